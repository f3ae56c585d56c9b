import { onBeforeUnmount, ref, type Ref } from 'vue';

/** A CSS media query as a ref (layout decisions CSS alone cannot make, e.g. grid columns). */
export function useMediaQuery(query: string): Readonly<Ref<boolean>> {
  const list = window.matchMedia(query);
  const matches = ref(list.matches);
  const onChange = (event: MediaQueryListEvent): void => {
    matches.value = event.matches;
  };
  list.addEventListener('change', onChange);
  onBeforeUnmount(() => list.removeEventListener('change', onChange));
  return matches;
}
