import { unlessConditionFailed } from '../shared/appsync-client';
import { allPages, type DataClient, dataOf, graphqlOf } from '../shared/data-client';
import type { DeviceRow, DeviceSummary } from './device-registration';

/**
 * Device rows through AppSync (IAM), so the owner's subscriptions see a registration, a move and
 * a removal. Writes select every field of the model (the typed client's default): AppSync sends
 * subscribers only the fields a mutation selected.
 */

// The typed client's delete takes no condition: "only if it is still theirs" needs the document.
export const DELETE_DEVICE = `mutation DeleteDevice($input: DeleteDeviceInput!, $condition: ModelDeviceConditionInput) {
  deleteDevice(input: $input, condition: $condition) { id userId platform token appVersion locale lastSeenAt invalidatedAt createdAt updatedAt } }`;

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

export function deviceStore(data: () => Promise<DataClient>): DeviceStore {
  const devices = async () => (await data()).models.Device;
  return {
    async ownerOf(id) {
      const row = await dataOf(
        'GetDeviceOwner',
        (await devices()).get({ id }, { selectionSet: ['id', 'userId'] }),
      );
      return row?.userId;
    },

    async create(device) {
      // Nulls left out: a created row has no invalidatedAt attribute at all, not a NULL one.
      const input = Object.fromEntries(
        Object.entries(device).filter(([, value]) => value !== null),
      ) as PlannedDevice;
      const row = await unlessConditionFailed(dataOf('CreateDevice', (await devices()).create(input)));
      return row ?? undefined;
    },

    async update(device) {
      // The update resolver removes an attribute set to null (invalidatedAt, a cleared locale).
      const row = await unlessConditionFailed(dataOf('UpdateDevice', (await devices()).update(device)));
      return row ?? undefined;
    },

    async devicesOf(userId) {
      const model = await devices();
      return allPages('ListUserDevices', (nextToken) =>
        model.listDevicesByUser(
          { userId },
          { limit: 100, nextToken, selectionSet: ['id', 'lastSeenAt', 'invalidatedAt'] },
        ),
      );
    },

    async remove(id, userId) {
      const removed = await unlessConditionFailed(
        graphqlOf(await data(), 'DeleteDevice', DELETE_DEVICE, {
          input: { id },
          condition: { userId: { eq: userId } },
        }),
      );
      return removed !== undefined;
    },
  };
}
