import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  Gen1ProjectError,
  pluralize,
  readGen1Project,
  tablesOfSchema,
} from '../../../../scripts/gen1/project';

const FIXTURES = resolve(import.meta.dirname, '../../../fixtures/gen1');

describe('reading a Gen 1 project', () => {
  it('names each model table <Model>-<api id>-<env> from amplify-meta.json', () => {
    const project = readGen1Project(join(FIXTURES, 'bootalk-gen1'), 'prod');
    expect(project.apiId).toBe('x7k2m4q9r1t5w8y3z6b0c2d4e6');
    expect(project.tables.map((table) => table.tableName)).toContain(
      'Message-x7k2m4q9r1t5w8y3z6b0c2d4e6-prod',
    );
  });

  it('refuses an env that team-provider-info.json does not know', () => {
    expect(() => readGen1Project(join(FIXTURES, 'bootalk-gen1'), 'staging')).toThrow(/"staging" is not in/);
  });

  it('refuses to guess the api id when amplify-meta.json describes another env, unless given', () => {
    expect(() => readGen1Project(join(FIXTURES, 'bootalk-gen1'), 'dev')).toThrow(Gen1ProjectError);
    expect(
      readGen1Project(join(FIXTURES, 'bootalk-gen1'), 'dev', { apiId: 'a'.repeat(26) }).tables[0]!.tableName,
    ).toMatch(/-a{26}-dev$/);
  });

  it('reads the user pool settings Cognito fixes at creation and the triggers from cli-inputs.json', () => {
    const pool = readGen1Project(join(FIXTURES, 'bootalk-gen1-blockers'), 'prod').userPool!;
    expect(pool).toMatchObject({
      usernameAttributes: [],
      aliasAttributes: ['email', 'phone_number'],
      requiredAttributes: ['email'],
      customAttributes: ['custom:legacyUserId'],
      triggers: ['PostConfirmation', 'PreTokenGeneration'],
    });
  });

  it('sees DataStore conflict detection in transform.conf.json', () => {
    expect(readGen1Project(join(FIXTURES, 'bootalk-gen1-blockers'), 'prod').conflictDetection).toBe(
      'VERSION',
    );
    expect(readGen1Project(join(FIXTURES, 'bootalk-gen1'), 'prod').conflictDetection).toBeUndefined();
  });
});

describe('tables of a v2 schema', () => {
  const [post, comment] = tablesOfSchema(`
    type Post @model {
      id: ID!
      blogId: ID! @index(sortKeyFields: ["createdAt", "title"])
      comments: [Comment] @hasMany
      createdAt: AWSDateTime!
      title: String!
    }
    type Comment @model {
      postId: ID! @primaryKey(sortKeyFields: ["id"])
      id: ID!
      authorId: ID @index(name: "byAuthor")
    }
    type NotAModel { id: ID! }
  `);

  it('keys a model on id unless @primaryKey says otherwise', () => {
    expect(post!.keySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(comment!.keySchema).toEqual([
      { AttributeName: 'postId', KeyType: 'HASH' },
      { AttributeName: 'id', KeyType: 'RANGE' },
    ]);
  });

  it('names unnamed indexes <models>By<Field>And<Sort> and joins several sort fields with #', () => {
    expect(post!.indexes).toEqual({
      postsByBlogIdAndCreatedAtAndTitle: [
        { AttributeName: 'blogId', KeyType: 'HASH' },
        { AttributeName: 'createdAt#title', KeyType: 'RANGE' },
      ],
    });
  });

  it("gives an implicit @hasMany the child's gsi-<Parent>.<field> on <parent><Field>Id", () => {
    expect(comment!.indexes).toEqual({
      byAuthor: [{ AttributeName: 'authorId', KeyType: 'HASH' }],
      'gsi-Post.comments': [{ AttributeName: 'postCommentsId', KeyType: 'HASH' }],
    });
  });

  it('pluralizes model names as the transformer does for regular nouns', () => {
    expect(['Message', 'Complex', 'Category', 'Day'].map(pluralize)).toEqual([
      'Messages',
      'Complexes',
      'Categories',
      'Days',
    ]);
  });
});
