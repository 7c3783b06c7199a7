import { type FieldNode, Kind, parse, type SelectionSetNode } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CONVERSATION_FIELDS,
  MEMBER_FIELDS,
  MESSAGE_FIELDS,
} from '../../../amplify/functions/shared/chat/chat-fields';
import { chatStore } from '../../../amplify/functions/shared/chat/chat-store';
import type { DataClient } from '../../../amplify/functions/shared/data-client';
import { functionDataClient, synthesizedAssembly } from './support';

// AppSync sends subscribers only the fields a mutation selected. The chat store's writes leave
// the selection to the typed client (its default: the model's fields); these tests read the
// documents the real client builds from the synthesized model introspection schema.

const sent: string[] = [];
let data: DataClient;

beforeAll(async () => {
  vi.stubGlobal('fetch', async (_url: unknown, init: RequestInit) => {
    const { query } = JSON.parse(String(init.body)) as { query: string };
    sent.push(query);
    const field = (parse(query).definitions[0] as { selectionSet: SelectionSetNode }).selectionSet
      .selections[0] as FieldNode;
    return Response.json({ data: { [field.name.value]: null } });
  });
  data = await functionDataClient(
    'https://chat-store.appsync-api.ap-northeast-2.amazonaws.com/graphql',
    { accessKeyId: 'AKIDSELECTION', secretAccessKey: 'selection-secret' },
    synthesizedAssembly(),
  );
});

afterAll(() => {
  vi.unstubAllGlobals();
});

/** A selection set as sorted paths: `image.key`, `body`, … */
function paths(selection: SelectionSetNode | undefined, prefix = ''): string[] {
  return (selection?.selections ?? [])
    .filter((node): node is FieldNode => node.kind === Kind.FIELD)
    .flatMap((node) =>
      node.selectionSet
        ? paths(node.selectionSet, `${prefix}${node.name.value}.`)
        : [`${prefix}${node.name.value}`],
    )
    .filter((path) => !path.endsWith('__typename'))
    .sort();
}

function selectedBy(query: string): string[] {
  const operation = parse(query).definitions[0] as { selectionSet: SelectionSetNode };
  return paths((operation.selectionSet.selections[0] as FieldNode).selectionSet);
}

const fieldsOf = (fields: string) =>
  paths((parse(`{ ${fields} }`).definitions[0] as never as { selectionSet: SelectionSetNode }).selectionSet);

async function documentOf(write: () => Promise<unknown>): Promise<string> {
  sent.length = 0;
  await write();
  expect(sent).toHaveLength(1);
  return sent[0]!;
}

describe('chat store writes, as the typed client sends them', () => {
  it('select every field of a conversation', async () => {
    const store = chatStore(async () => data);
    const query = await documentOf(() => store.updateConversation({ id: 'c1', listingId: 'LST-1' }));
    expect(query).toMatch(/^mutation/);
    expect(selectedBy(query)).toEqual(expect.arrayContaining(fieldsOf(CONVERSATION_FIELDS)));
  });

  it('select every field of a message, its image and listing snapshot included', async () => {
    const store = chatStore(async () => data);
    const query = await documentOf(() =>
      store.createMessage({
        __typename: 'Message',
        id: 'm1',
        conversationId: 'c1',
        createdAt: '2026-03-14T03:00:00.000Z',
        updatedAt: '2026-03-14T03:00:00.000Z',
        senderId: 'buyer-sub',
        memberIds: ['buyer-sub'],
        kind: 'TEXT',
        body: '안녕하세요',
      }),
    );
    expect(selectedBy(query)).toEqual(expect.arrayContaining(fieldsOf(MESSAGE_FIELDS)));
    expect(selectedBy(await documentOf(() => store.updateMessage({ id: 'm1', body: '수정' })))).toEqual(
      expect.arrayContaining(fieldsOf(MESSAGE_FIELDS)),
    );
  });

  it('select every field of a member row', async () => {
    const store = chatStore(async () => data);
    const query = await documentOf(() =>
      store.updateMember({ conversationId: 'c1', userId: 'buyer-sub', muted: true }),
    );
    expect(selectedBy(query)).toEqual(expect.arrayContaining(fieldsOf(MEMBER_FIELDS)));
  });
});
