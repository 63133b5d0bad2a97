// Whether the Docker tests can run here: an engine answering on the socket and the test image present.
// Tests skip with this reason printed (never silently) when either is missing.
import Docker from 'dockerode';

export const TEST_IMAGE = process.env.MILVUS_BENCH_TEST_IMAGE ?? 'milvus-bench-busybox:test';
export const DOCKER_SOCKET = '/var/run/docker.sock';

/** null when the engine and image are there; otherwise why not. Prints the SKIPPED line for `testFile`. */
export async function dockerSkipReason(docker: Docker, testFile: string): Promise<string | null> {
  const reason = await docker.ping().then(
    () => docker.getImage(TEST_IMAGE).inspect().then(() => null, () => `image ${TEST_IMAGE} is missing (run scripts/docker-test-env.sh)`),
    (error: Error) => `no Docker Engine answers at ${DOCKER_SOCKET} (${error.message}); run scripts/docker-test-env.sh as root`,
  );
  if (reason) console.warn(`SKIPPED ${testFile}: ${reason}`);
  return reason;
}
