import { DetectionDefinition } from './detection-definition';
import { DetectionProfile } from './detection-profile';
import { ENTRIES } from './entries';
import { profileSpec, resolveEntry, resolveOptIn, toDefinition } from './resolve';

/** The built-in detections as data, per profile, for other tooling (dashboards, graders, SIEM rules). */
export class DetectionCatalogue {
  /** Ids of every built-in detection. */
  public static ids(): string[] {
    return ENTRIES.map((e) => e.id);
  }

  /**
   * The detections of a profile, with their patterns and grader verdicts.
   * @param profile the profile (default: `DetectionProfile.RECOMMENDED`)
   */
  public static list(profile?: DetectionProfile): DetectionDefinition[] {
    const name = (profile ?? DetectionProfile.RECOMMENDED).name;
    return profileSpec(name).entries.map((pe) => toDefinition(resolveEntry(pe)));
  }

  /**
   * The opt-in detections: in the catalogue but in no profile (today `root-assumed-session`). `CloudTrailAlarms`
   * creates one when `overrides` names it.
   */
  public static optIn(): DetectionDefinition[] {
    return resolveOptIn().map(toDefinition);
  }

  /**
   * One detection of a profile.
   * @throws Error naming the profile's ids when the id is not in the profile
   */
  public static get(id: string, profile?: DetectionProfile): DetectionDefinition {
    const p = profile ?? DetectionProfile.RECOMMENDED;
    const found = DetectionCatalogue.list(p).find((d) => d.id === id);
    if (!found) {
      const optIn = DetectionCatalogue.optIn().some((d) => d.id === id)
        ? ` '${id}' is an opt-in detection: list it with DetectionCatalogue.optIn() and turn it on with \`overrides: [{ id: '${id}' }]\`.`
        : '';
      throw new Error(`Detection '${id}' is not in profile '${p.name}'. Its detections are: ${p.detectionIds.join(', ')}.${optIn}`);
    }
    return found;
  }

  private constructor() {}
}
