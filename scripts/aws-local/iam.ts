import type { Resolver } from './template.ts';
import { referencedId } from './template.ts';

/**
 * A function's execution role, read from the template's `AWS::IAM::Policy` resources attached to it
 * and its inline policies, evaluated as IAM does for identity-based policies: an explicit Deny wins, else
 * an Allow whose Action and Resource match (`*` and `?` wildcards, actions case-insensitive), else the
 * implicit deny. A statement with a Condition or NotAction/NotResource is not evaluated here: it allows
 * nothing (and denies nothing), so a grant that relies on one shows up as an AccessDenied.
 */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

export class Role {
  constructor(
    readonly logicalId: string,
    readonly name: string,
    readonly statements: Statement[],
  ) {}

  allows(action: string, resource: string): boolean {
    const applies = (statement: Statement) =>
      !statement.Condition &&
      !statement.NotAction &&
      !statement.NotResource &&
      list(statement.Action).some((pattern) => wildcard(pattern, action, true)) &&
      list(statement.Resource).some((pattern) => wildcard(pattern, resource, false));
    const matching = this.statements.filter(applies);
    if (matching.some((statement) => statement.Effect === 'Deny')) return false;
    return matching.some((statement) => statement.Effect === 'Allow');
  }

  /** The message AWS gives, naming the action and the resource (never a request's values). */
  denial(action: string, resource: string, sessionName: string): string {
    return `User: arn:aws:sts::123456789012:assumed-role/${this.name}/${sessionName} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
  }
}

/** The execution role of a function resource, with every policy the template attaches to it. */
export function roleOf(resolver: Resolver, functionId: string): Role {
  const fn = resolver.resource(functionId);
  const roleId = referencedId(fn.Properties?.Role);
  if (!roleId) throw new Error(`${functionId} has no role from this template`);
  const role = resolver.resource(roleId);
  const documents: unknown[] = [];
  for (const inline of (role.Properties?.Policies as { PolicyDocument: unknown }[] | undefined) ?? []) {
    documents.push(inline.PolicyDocument);
  }
  for (const [, policy] of resolver.ofType('AWS::IAM::Policy')) {
    const roles = (policy.Properties?.Roles as unknown[] | undefined) ?? [];
    if (roles.some((entry) => referencedId(entry) === roleId))
      documents.push(policy.Properties?.PolicyDocument);
  }
  const statements = documents.flatMap((document) => {
    const resolved = resolver.resolve(document) as { Statement?: Statement | Statement[] };
    return list(resolved.Statement);
  });
  return new Role(roleId, resolver.ref(roleId), statements);
}

function list<T>(value: T | T[] | undefined): T[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

function wildcard(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .split('')
    .map((char) => (char === '*' ? '.*' : char === '?' ? '.' : char.replace(/[.+^${}()|[\]\\/]/g, '\\$&')))
    .join('');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}
