/** The Cache Storage cache where the service worker keeps machine files (site/src/service-worker.ts); the packs'
 * workers read the saved states there themselves on later visits. */
export const machineCacheName = 'machines';
