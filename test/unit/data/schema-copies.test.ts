import { parse, type SelectionSetNode } from 'graphql';
import { describe, expect, it } from 'vitest';
import { alertSubscriptionModels } from '../../../amplify/data/models/alert-subscription';
import { chatModels } from '../../../amplify/data/models/chat';
import { deviceModels } from '../../../amplify/data/models/device';
import { enums } from '../../../amplify/data/models/enums';
import { notificationModels } from '../../../amplify/data/models/notification';
import { referenceDataModels } from '../../../amplify/data/models/reference-data';
import { userProfileModels } from '../../../amplify/data/models/user-profile';
import { DEVICE_PLATFORMS } from '../../../amplify/functions/device-register/device-registration';
import { PROFILE_FIELDS } from '../../../amplify/functions/device-register/profile-store';
import {
  CONVERSATION_FIELDS,
  MEMBER_FIELDS,
  MESSAGE_FIELDS,
} from '../../../amplify/functions/shared/chat/chat-fields';
import {
  NOTIFICATION_FIELDS,
  NOTIFICATION_TYPES,
} from '../../../amplify/functions/shared/notifications/notification-create';
import { keyFieldsOf } from '../../../scripts/gen1/backfill-plan';

/**
 * Functions keep a few runtime copies of the schema (amplify/data/models): enum values they
 * validate against and the selection sets of their writes, which must name every field because
 * AppSync sends subscribers only what a mutation selected. These tests fail when the schema and a
 * copy part ways.
 */

/** A field of a model or custom type as data-schema keeps it. */
interface FieldDefinition {
  data: { fieldType?: string; type?: string; link?: string };
}
interface TypeDefinition {
  data: { type?: string; fields: Record<string, FieldDefinition>; identifier?: readonly string[] };
}

const types = {
  ...userProfileModels,
  ...deviceModels,
  ...chatModels,
  ...notificationModels,
  ...alertSubscriptionModels,
  ...referenceDataModels,
} as unknown as Record<string, TypeDefinition>;

/** A selection as a tree: field name → true for a leaf, or the selection below it. */
type Selection = { [field: string]: true | Selection };

/** Every field a row of the model or custom type has, with the custom types it refers to expanded. */
function everyField(typeName: string): Selection {
  const type = types[typeName];
  if (!type) throw new Error(`${typeName} is not a model or custom type of the schema`);
  const isModel = type.data.type !== 'customType';
  const selection: Selection = {};
  // Amplify adds the key `id` unless the model names another key, and the timestamps.
  if (isModel && (type.data.identifier ?? ['id']).includes('id')) selection.id = true;
  for (const [name, field] of Object.entries(type.data.fields)) {
    if (field.data.fieldType === 'model') continue; // a relation, not an attribute of the row
    const linked = field.data.type === 'ref' ? types[field.data.link!] : undefined;
    selection[name] = linked ? everyField(field.data.link!) : true;
  }
  if (isModel) Object.assign(selection, { createdAt: true, updatedAt: true });
  return selection;
}

function selected(fields: string): Selection {
  const toTree = (set: SelectionSetNode): Selection =>
    Object.fromEntries(
      set.selections.map((node) => {
        if (node.kind !== 'Field') throw new Error(`unexpected ${node.kind} in a selection`);
        return [node.name.value, node.selectionSet ? toTree(node.selectionSet) : true];
      }),
    );
  const [operation] = parse(`{ ${fields} }`).definitions;
  if (operation?.kind !== 'OperationDefinition') throw new Error('not a selection');
  return toTree(operation.selectionSet);
}

describe('selection sets of function writes', () => {
  it.each([
    ['Conversation', 'CONVERSATION_FIELDS', CONVERSATION_FIELDS],
    ['Message', 'MESSAGE_FIELDS', MESSAGE_FIELDS],
    ['ConversationMember', 'MEMBER_FIELDS', MEMBER_FIELDS],
    ['Notification', 'NOTIFICATION_FIELDS', NOTIFICATION_FIELDS],
    ['UserProfile', 'PROFILE_FIELDS', PROFILE_FIELDS],
  ])('select every field of a %s row (%s)', (model, _name, fields) => {
    expect(selected(fields)).toEqual(everyField(model));
  });

  it('differ from the schema when one field is left out', () => {
    const withoutPreview = CONVERSATION_FIELDS.replace('lastMessagePreview', '');
    expect(selected(withoutPreview)).not.toEqual(everyField('Conversation'));
  });
});

describe('enum values functions validate against', () => {
  it('NOTIFICATION_TYPES are the NotificationType enum', () => {
    expect([...NOTIFICATION_TYPES]).toEqual(enums.NotificationType.values);
  });

  it('DEVICE_PLATFORMS are the DevicePlatform enum', () => {
    expect([...DEVICE_PLATFORMS]).toEqual(enums.DevicePlatform.values);
  });
});

describe('model keys the Gen 1 backfill plans with', () => {
  it('keyFieldsOf names the identifier of every model', () => {
    const models = Object.entries(types).filter(([, type]) => type.data.type !== 'customType');
    expect(models.map(([name]) => name)).toContain('ConversationMember');
    for (const [name, model] of models)
      expect(keyFieldsOf(name), name).toEqual(model.data.identifier ?? ['id']);
  });
});
