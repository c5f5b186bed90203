// Imported first by main.ts, before anything compiles WebAssembly: the production process runs
// Prisma's query compiler (and, at a cold start, the schema engine) on V8's baseline WebAssembly
// compiler only, without tiering hot functions up to the optimising one.
//
// Why: measured with /proc/<pid>/smaps at rest (BENCH_ONLY=rest), about 35 MB of the process was
// glibc's main heap left behind by the optimising compiler's work on the query compiler, which
// runs hot once at start (it parses the schema) and then rarely: Prisma caches each query shape's
// plan, so the WebAssembly runs only the first time a shape is seen (counted with
// DEBUG=prisma:client:clientEngine: 60 pledges compiled no plan; their 60 payments compiled 2,
// then hit the cache 118 times). With tier-up off that heap stays near 10 MB: the bench's RSS at
// rest went from 169 to 133 MB (medians of 3, one lock hold), and the hot paths do not run it.
//
// Set here rather than on a `node` command line so that every way the service starts (the Docker
// image, `npm start`, the bench, test:production) runs the same way. V8 reads the flag when it
// compiles a module, so it only has to be set before the first one; the flag is process-wide,
// worker threads included.
import v8 from 'node:v8';

v8.setFlagsFromString('--liftoff-only');
