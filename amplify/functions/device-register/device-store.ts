import { type AppSyncClient, unlessConditionFailed } from '../shared/appsync-client';
import type { DeviceRow, DeviceSummary } from './device-registration';

/**
 * Device rows through AppSync (IAM), so the owner's subscriptions see a registration, a move and
 * a removal. DEVICE_FIELDS selects every field of the Device model (test/unit/data/schema-copies.test.ts):
 * AppSync sends subscribers only the fields a mutation selected.
 */

export const DEVICE_FIELDS =
  'id userId platform token appVersion locale lastSeenAt invalidatedAt createdAt updatedAt';

// The owner only: nothing here needs the token.
export const GET_DEVICE_OWNER = `query GetDeviceOwner($id: ID!) { getDevice(id: $id) { id userId } }`;

export const CREATE_DEVICE = `mutation CreateDevice($input: CreateDeviceInput!) {
  createDevice(input: $input) { ${DEVICE_FIELDS} } }`;

export const UPDATE_DEVICE = `mutation UpdateDevice($input: UpdateDeviceInput!) {
  updateDevice(input: $input) { ${DEVICE_FIELDS} } }`;

export const LIST_USER_DEVICES = `query ListUserDevices($userId: ID!, $nextToken: String) {
  listDevicesByUser(userId: $userId, limit: 100, nextToken: $nextToken) {
    items { id lastSeenAt invalidatedAt } nextToken } }`;

export const DELETE_DEVICE = `mutation DeleteDevice($input: DeleteDeviceInput!, $condition: ModelDeviceConditionInput) {
  deleteDevice(input: $input, condition: $condition) { ${DEVICE_FIELDS} } }`;

export type PlannedDevice = Omit<DeviceRow, 'createdAt' | 'updatedAt'>;

export interface DeviceStore {
  /** Who the token's row belongs to now; undefined when there is no row. */
  ownerOf(id: string): Promise<string | undefined>;
  /** undefined when a row with this id exists already. */
  create(device: PlannedDevice): Promise<DeviceRow | undefined>;
  /** undefined when the row does not exist (any more). */
  update(device: PlannedDevice): Promise<DeviceRow | undefined>;
  devicesOf(userId: string): Promise<DeviceSummary[]>;
  /** Removes the row if it still belongs to `userId`; false when it moved or went meanwhile. */
  remove(id: string, userId: string): Promise<boolean>;
}

export function deviceStore(appSync: () => AppSyncClient): DeviceStore {
  return {
    async ownerOf(id) {
      const data = await appSync().graphql<{ getDevice: { userId: string } | null }>(GET_DEVICE_OWNER, {
        id,
      });
      return data.getDevice?.userId;
    },

    async create(device) {
      // Nulls left out: a created row has no invalidatedAt attribute at all, not a NULL one.
      const input = Object.fromEntries(Object.entries(device).filter(([, value]) => value !== null));
      const data = await unlessConditionFailed(
        appSync().graphql<{ createDevice: DeviceRow }>(CREATE_DEVICE, { input }),
      );
      return data?.createDevice;
    },

    async update(device) {
      // The update resolver removes an attribute set to null (invalidatedAt, a cleared locale).
      const data = await unlessConditionFailed(
        appSync().graphql<{ updateDevice: DeviceRow }>(UPDATE_DEVICE, { input: device }),
      );
      return data?.updateDevice;
    },

    async devicesOf(userId) {
      const devices: DeviceSummary[] = [];
      let nextToken: string | null | undefined;
      do {
        const data = await appSync().graphql<{
          listDevicesByUser: { items: (DeviceSummary | null)[]; nextToken?: string | null } | null;
        }>(LIST_USER_DEVICES, { userId, nextToken });
        for (const item of data.listDevicesByUser?.items ?? []) if (item) devices.push(item);
        nextToken = data.listDevicesByUser?.nextToken;
      } while (nextToken);
      return devices;
    },

    async remove(id, userId) {
      const data = await unlessConditionFailed(
        appSync().graphql(DELETE_DEVICE, { input: { id }, condition: { userId: { eq: userId } } }),
      );
      return data !== undefined;
    },
  };
}
