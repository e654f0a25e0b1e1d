/**
 * Sections whose figures cost extra work (gradients, histograms) are computed only once the reader has reached them:
 * a section counts as seen from the first time any of it is on screen (in lecture mode: when it is the current one).
 */
import { byId } from './dom';

export class LazySections {
  private readonly seen = new Set<string>();

  constructor(ids: string[], onFirstSight: () => void) {
    const observer = new IntersectionObserver((entries) => {
      const fresh = entries.filter((e) => e.isIntersecting && !this.seen.has(e.target.id));
      if (!fresh.length) return;
      for (const entry of fresh) {
        this.seen.add(entry.target.id);
        observer.unobserve(entry.target);
      }
      onFirstSight();
    });
    for (const id of ids) observer.observe(byId(id));
  }

  has(id: string): boolean {
    return this.seen.has(id);
  }
}
