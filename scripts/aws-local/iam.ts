import type { Resolver } from './template.ts';
import { referencedId } from './template.ts';

/**
 * A function's execution role, read from the template's `AWS::IAM::Policy` resources attached to it
 * and its inline policies, evaluated as IAM does for identity-based policies: an explicit Deny wins, else
 * an Allow whose Action, Resource and Condition match (`*` and `?` wildcards, actions case-insensitive),
 * else the implicit deny. The one condition evaluated is the one the stack writes:
 * `ForAllValues:StringLike` on `dynamodb:LeadingKeys`, true when every partition key the request names
 * matches one of the patterns (and, as in IAM, when it names none). A statement with any other condition
 * operator or key, or with NotAction/NotResource, applies to nothing (allows nothing, denies nothing), so
 * a grant that relies on one shows up as an AccessDenied.
 */
export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  Resource?: string | string[];
  Condition?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
}

/** The request's values a condition can test: the partition keys of a DynamoDB call. */
export interface RequestContext {
  'dynamodb:LeadingKeys'?: string[];
}

export class Role {
  constructor(
    readonly logicalId: string,
    readonly name: string,
    readonly statements: Statement[],
  ) {}

  allows(action: string, resource: string, context: RequestContext = {}): boolean {
    const applies = (statement: Statement) =>
      conditionHolds(statement.Condition, context) &&
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

/** A statement's Condition block against the request, for the operators and keys named above only. */
function conditionHolds(condition: unknown, context: RequestContext): boolean {
  if (condition === undefined) return true;
  if (typeof condition !== 'object' || condition === null) return false;
  return Object.entries(condition).every(([operator, tests]) => {
    if (operator !== 'ForAllValues:StringLike' || typeof tests !== 'object' || tests === null) return false;
    return Object.entries(tests).every(([key, patterns]) => {
      if (key !== 'dynamodb:LeadingKeys') return false;
      const values = context[key] ?? [];
      const allowed = list(patterns as string | string[]);
      return values.every((value) => allowed.some((pattern) => wildcard(pattern, value, false)));
    });
  });
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
