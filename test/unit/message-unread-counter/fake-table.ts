import type {
  CountedMarker,
  PlannedUpdate,
  UnreadPlan,
} from '../../../amplify/functions/message-unread-counter/unread-plan';

/**
 * Applies planned updates the way DynamoDB would, for the expression forms the unread plan
 * uses: `attribute_exists`, `attribute_not_exists`, `attribute_type(…, NULL)`, `<`, AND, OR and
 * parentheses in conditions;
 * `SET a = :v, …` and `ADD a :n` in updates; a transaction that is all or nothing.
 */
export class FakeChatTables {
  readonly rows = new Map<string, Record<string, unknown>>();
  readonly markers = new Set<string>();

  private id(model: string, key: Record<string, string>) {
    return `${model}|${JSON.stringify(key)}`;
  }

  put(model: PlannedUpdate['model'], key: Record<string, string>, row: Record<string, unknown>) {
    this.rows.set(this.id(model, key), { ...row, ...key });
  }

  get(model: PlannedUpdate['model'], key: Record<string, string>) {
    return this.rows.get(this.id(model, key));
  }

  /** Applies one update; false when its condition failed (nothing changed). */
  update(update: PlannedUpdate): boolean {
    const row = this.get(update.model, update.key);
    if (!conditionHolds(update, row)) return false;
    this.rows.set(this.id(update.model, update.key), applyUpdate(update, { ...row, ...update.key }));
    return true;
  }

  /** The marker put and the increments, all or nothing; false when cancelled. */
  transact(marker: CountedMarker, increments: PlannedUpdate[]): boolean {
    if (this.markers.has(marker.id)) return false;
    if (!increments.every((update) => conditionHolds(update, this.get(update.model, update.key))))
      return false;
    this.markers.add(marker.id);
    for (const update of increments) this.update(update);
    return true;
  }

  /** What the handler does with a plan. */
  apply(plan: UnreadPlan) {
    if (plan.counting) this.transact(plan.counting.marker, plan.counting.increments);
    for (const preview of plan.previews) this.update(preview);
  }
}

function conditionHolds(update: PlannedUpdate, row: Record<string, unknown> | undefined): boolean {
  const tokens =
    update.conditionExpression.match(
      /attribute_(?:not_)?exists|attribute_type|[(),<]|AND|OR|[#:][A-Za-z0-9_]+/g,
    ) ?? [];
  let at = 0;
  const name = (token: string) => update.expressionAttributeNames[token] ?? token;
  const value = (token: string) => update.expressionAttributeValues[token];
  const expect = (token: string) => {
    if (tokens[at++] !== token) throw new Error(`expected ${token} in ${update.conditionExpression}`);
  };
  function factor(): boolean {
    const token = tokens[at++]!;
    if (token === '(') {
      const result = or();
      expect(')');
      return result;
    }
    if (token === 'attribute_exists' || token === 'attribute_not_exists') {
      expect('(');
      const exists = row !== undefined && row[name(tokens[at++]!)] !== undefined;
      expect(')');
      return token === 'attribute_exists' ? exists : !exists;
    }
    if (token === 'attribute_type') {
      // Only the NULL type is asked about: a row attribute written as null.
      expect('(');
      const attribute = row?.[name(tokens[at++]!)];
      expect(',');
      const type = value(tokens[at++]!);
      expect(')');
      if (type !== 'NULL') throw new Error(`unsupported attribute type ${String(type)}`);
      return attribute === null;
    }
    expect('<');
    const left = row?.[name(token)];
    const right = value(tokens[at++]!);
    return left !== undefined && left !== null && String(left) < String(right);
  }
  function and(): boolean {
    let result = factor();
    while (tokens[at] === 'AND') {
      at++;
      result = factor() && result;
    }
    return result;
  }
  function or(): boolean {
    let result = and();
    while (tokens[at] === 'OR') {
      at++;
      result = and() || result;
    }
    return result;
  }
  const result = or();
  if (at !== tokens.length)
    throw new Error(`unread ${tokens.slice(at).join(' ')} in ${update.conditionExpression}`);
  return result;
}

function applyUpdate(update: PlannedUpdate, row: Record<string, unknown>): Record<string, unknown> {
  const name = (token: string) => update.expressionAttributeNames[token] ?? token;
  const value = (token: string) => update.expressionAttributeValues[token];
  for (const clause of update.updateExpression.split(/(?=\b(?:SET|ADD)\b)/)) {
    const [action, ...rest] = clause.trim().split(/\s+/);
    const body = rest.join(' ');
    if (action === 'SET') {
      for (const assignment of body.split(',')) {
        const [target, source] = assignment.split('=').map((part) => part.trim());
        row[name(target!)] = value(source!);
      }
    } else if (action === 'ADD') {
      const [target, amount] = body.split(/\s+/);
      row[name(target!)] = Number(row[name(target!)] ?? 0) + Number(value(amount!));
    } else {
      throw new Error(`unsupported update clause ${clause}`);
    }
  }
  return row;
}
