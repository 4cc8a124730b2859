import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { marshall, unmarshall } from '@aws-sdk/util-dynamodb';
import { ATTR, type StateKey } from './records.js';

/** DynamoDB's attribute form of plain values; `undefined` attributes are left out rather than refused. */
export function toAttributes(values: Record<string, unknown>): Record<string, AttributeValue> {
  return marshall(values, { removeUndefinedValues: true });
}

/** The plain values of an item in DynamoDB's attribute form; `undefined` when there is no item. */
export function fromAttributes(item: Record<string, AttributeValue> | undefined): Record<string, unknown> | undefined {
  return item === undefined ? undefined : unmarshall(item);
}

/** The table key of a record, in attribute form. */
export function keyAttributes(key: StateKey): Record<string, AttributeValue> {
  return { [ATTR.pk]: { S: key.pk }, [ATTR.sk]: { S: key.sk } };
}
