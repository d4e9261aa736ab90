/** A CloudFormation template, as far as `sam local` reads it. */
export interface Template {
  Resources: Record<
    string,
    { Type: string; Properties?: Record<string, unknown>; DependsOn?: string | string[] }
  >;
  Outputs?: Record<string, unknown>;
  [section: string]: unknown;
}

/** The logical ids that `value` names through `Ref` or `Fn::GetAtt`, anywhere inside it. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (!value || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) => {
    if (key === 'Ref' && typeof inner === 'string') return [inner];
    if (key === 'Fn::GetAtt' && Array.isArray(inner) && typeof inner[0] === 'string') return [inner[0]];
    return referencesIn(inner);
  });
}

/**
 * The template without its WebSocket APIs, for `sam local start-api`: SAM CLI reads every API Gateway
 * v2 route key as "METHOD path" and fails on `$connect` and `$disconnect`. Gone with each WebSocket
 * API is everything that names it (routes, integrations, stage, permissions, policies, outputs), and
 * a function keeps its place but loses the environment variables that named it (`LIVE_URL`,
 * `LIVE_MANAGEMENT_URL`); the functions behind the WebSocket stay, unrouted.
 */
export function withoutWebSocketApis(template: Template): Template {
  const removed = new Set(
    Object.entries(template.Resources)
      .filter(([, resource]) => resource.Type === 'AWS::ApiGatewayV2::Api')
      .filter(([, resource]) => resource.Properties?.ProtocolType === 'WEBSOCKET')
      .map(([id]) => id),
  );
  const resources = structuredClone(template.Resources);
  for (const resource of Object.values(resources)) {
    if (resource.Type !== 'AWS::Lambda::Function') continue;
    const variables = (
      resource.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined
    )?.Variables;
    for (const [name, value] of Object.entries(variables ?? {})) {
      if (referencesIn(value).some((id) => removed.has(id))) delete variables?.[name];
    }
  }
  // Whatever names a removed resource goes too, until nothing does (a stage names the API, a permission the stage).
  for (let grown = true; grown; ) {
    grown = false;
    for (const [id, resource] of Object.entries(resources)) {
      if (removed.has(id) || resource.Type === 'AWS::Lambda::Function') continue;
      if (referencesIn(resource.Properties).some((ref) => removed.has(ref))) {
        removed.add(id);
        grown = true;
      }
    }
  }
  const kept = Object.fromEntries(
    Object.entries(resources)
      .filter(([id]) => !removed.has(id))
      .map(([id, resource]) => {
        const dependsOn = [resource.DependsOn ?? []].flat().filter((dependency) => !removed.has(dependency));
        const { DependsOn: _dependsOn, ...rest } = resource;
        return [id, dependsOn.length > 0 ? { ...rest, DependsOn: dependsOn } : rest];
      }),
  );
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {}).filter(([, output]) =>
      referencesIn(output).every((ref) => !removed.has(ref)),
    ),
  );
  return { ...template, Resources: kept, Outputs: outputs };
}
