// One Lambda execution environment: loads a function bundle once (the cold start) and runs
// one invocation at a time, like the Lambda runtime. Plain JS so it runs without a loader.
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { parentPort, workerData } from 'node:worker_threads';

const { bundleFile, handlerName, functionName, memoryMB, region, account } = workerData;

let handler;
try {
  const module = await import(pathToFileURL(bundleFile).href);
  handler = module[handlerName];
  if (typeof handler !== 'function')
    throw new Error(`${bundleFile} does not export a function "${handlerName}"`);
  parentPort.postMessage({ type: 'ready' });
} catch (error) {
  parentPort.postMessage({ type: 'init-error', error: describe(error, 'Runtime.ImportModuleError') });
}

function describe(error, fallbackType = 'Error') {
  const value = error instanceof Error ? error : new Error(String(error));
  return {
    errorType: value.name && value.name !== 'Error' ? value.name : fallbackType,
    errorMessage: value.message,
    stack: String(value.stack ?? '').split('\n'),
  };
}

parentPort.on('message', async ({ id, event, deadline }) => {
  const requestId = randomUUID();
  const context = {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
    memoryLimitInMB: String(memoryMB),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `local/${requestId}`,
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
  process.env._X_AMZN_TRACE_ID = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${requestId.replace(/-/g, '').slice(0, 24)}`;
  try {
    const result = await new Promise((resolve, reject) => {
      const callback = (error, value) => (error ? reject(error) : resolve(value));
      const returned = handler(event, context, callback);
      if (returned && typeof returned.then === 'function') returned.then(resolve, reject);
    });
    // Lambda hands the caller JSON, not the object itself.
    parentPort.postMessage({
      type: 'result',
      id,
      ok: true,
      result: result === undefined ? null : JSON.parse(JSON.stringify(result)),
    });
  } catch (error) {
    parentPort.postMessage({ type: 'result', id, ok: false, error: describe(error) });
  }
});
