/**
 * Builds an update expression: its SET, REMOVE, ADD and DELETE clauses, joined as DynamoDB reads them,
 * with generated placeholders, so field names never clash with reserved words. Every update whose
 * clauses depend on its input is built here; a fixed expression may stay a literal.
 */
export class Expression {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, unknown> = {};
  private count = 0;
  private readonly clauses = {
    SET: [] as string[],
    REMOVE: [] as string[],
    ADD: [] as string[],
    DELETE: [] as string[],
  };

  name(attribute: string): string {
    const placeholder = `#a${this.count++}`;
    this.names[placeholder] = attribute;
    return placeholder;
  }

  value(value: unknown): string {
    const placeholder = `:v${this.count++}`;
    this.values[placeholder] = value;
    return placeholder;
  }

  /** Assignments as written (`path = operand`), for operands beyond a plain value (`if_not_exists`, sums). */
  set(...assignments: string[]): this {
    this.clauses.SET.push(...assignments);
    return this;
  }

  /** Paths as written. */
  remove(...paths: string[]): this {
    this.clauses.REMOVE.push(...paths);
    return this;
  }

  /** `path value` pairs as written: a number added, or elements added to a set. */
  add(...actions: string[]): this {
    this.clauses.ADD.push(...actions);
    return this;
  }

  /** `path value` pairs as written: elements taken off a set. */
  delete(...actions: string[]): this {
    this.clauses.DELETE.push(...actions);
    return this;
  }

  /** Each field set to its value, or removed when the value is `undefined`. */
  assign(fields: Record<string, unknown>): this {
    for (const [field, value] of Object.entries(fields)) {
      if (value === undefined) this.remove(this.name(field));
      else this.set(`${this.name(field)} = ${this.value(value)}`);
    }
    return this;
  }

  /** Whether no clause was added: DynamoDB refuses an empty update expression. */
  get isEmpty(): boolean {
    return Object.values(this.clauses).every((clause) => clause.length === 0);
  }

  /** `SET a, b REMOVE c ADD d DELETE e`, leaving out the clauses with nothing in them. */
  get updateExpression(): string {
    return Object.entries(this.clauses)
      .filter(([, actions]) => actions.length > 0)
      .map(([keyword, actions]) => `${keyword} ${actions.join(', ')}`)
      .join(' ');
  }

  /**
   * The update's part of a command: the expression and its placeholders, each map left out when empty
   * (DynamoDB refuses an empty one). Placeholders a condition uses belong to the same maps: build the
   * condition from this object first.
   */
  params(): {
    UpdateExpression: string;
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, unknown>;
  } {
    return {
      UpdateExpression: this.updateExpression,
      ...(Object.keys(this.names).length > 0 && { ExpressionAttributeNames: this.names }),
      ...(Object.keys(this.values).length > 0 && { ExpressionAttributeValues: this.values }),
    };
  }
}
