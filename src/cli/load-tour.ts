// Loads the Ink tour (its own chunk, so the plain path never loads Ink).
//
// yoga-layout, Ink's layout engine, fetches its embedded WebAssembly from a data: URL whenever a
// global `fetch` exists; on Node that first call loads undici, Node's whole fetch implementation,
// about 50 ms of the tour's start-up, only to decode base64 it can decode directly. So `fetch` is
// hidden while the chunk loads (yoga then decodes it synchronously) and put back exactly as it was.

type Tour = typeof import('../ui/index.js');

export async function loadTour(): Promise<Tour> {
  const fetchProperty = Object.getOwnPropertyDescriptor(globalThis, 'fetch');
  const hide = fetchProperty?.configurable === true;
  if (hide) Object.defineProperty(globalThis, 'fetch', { value: undefined, writable: true, configurable: true, enumerable: fetchProperty.enumerable ?? true });
  try {
    return await import('../ui/index.js');
  } finally {
    if (hide) Object.defineProperty(globalThis, 'fetch', fetchProperty);
  }
}
