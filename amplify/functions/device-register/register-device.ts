import { logger } from '../shared/logger';
import {
  type DeviceRow,
  devicesOverCap,
  plannedDevice,
  type RegisterDeviceArguments,
  validateRegistration,
} from './device-registration';
import type { DeviceStore, PlannedDevice } from './device-store';

export interface RegisterDeviceDeps {
  store: DeviceStore;
  now: () => Date;
}

/** The wrong write first means a concurrent registration of the same token got there: try the other. */
async function save(device: PlannedDevice, exists: boolean, store: DeviceStore): Promise<DeviceRow> {
  const write = (asNew: boolean) => (asNew ? store.create(device) : store.update(device));
  const saved = (await write(!exists)) ?? (await write(exists));
  if (!saved) throw new Error('The device row was created and removed concurrently; retry the registration');
  return saved;
}

/**
 * Registers (or refreshes) the caller's push token: the row becomes theirs, seen now, valid again.
 * Then, past MAX_DEVICES_PER_USER devices, the caller's least recently seen ones are removed.
 */
export async function registerDevice(
  args: RegisterDeviceArguments,
  userId: string,
  deps: RegisterDeviceDeps,
): Promise<DeviceRow> {
  const registration = validateRegistration(args);
  if (!registration.ok) throw registration.error;
  const device = plannedDevice(registration.value, { userId, now: deps.now() });
  const previousOwner = await deps.store.ownerOf(device.id);
  const saved = await save(device, previousOwner !== undefined, deps.store);
  // The device id (a hash), never the token.
  logger.info('Device registered', {
    deviceId: device.id,
    platform: device.platform,
    change: previousOwner === undefined ? 'new' : previousOwner === userId ? 'refreshed' : 'moved',
  });

  const over = devicesOverCap(await deps.store.devicesOf(userId), device.id);
  let removed = 0;
  for (const id of over) if (await deps.store.remove(id, userId)) removed += 1;
  if (over.length > 0) logger.info('Devices over the cap removed', { removed, attempted: over.length });
  return saved;
}
