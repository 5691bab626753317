// The detections a real-time rule or a forwarder carries (public: `CloudTrailAlarms.forwardedDetections()`).

/** A detection to deliver in real time: its id and the exact filter pattern its metric filter uses. */
export interface RealTimeDetection {
  /** Detection id, e.g. `root-account-usage`; construct ids and the notifier's input derive from it. */
  readonly id: string;
  /** The filter pattern, exactly as deployed (tamper-protection patterns already scoped). */
  readonly pattern: string;
  /**
   * Short title, used in the rule description.
   * @default - the id
   */
  readonly title?: string;
}

/** A detection that got no rule, and why. */
export interface RefusedRealTimeDetection {
  /** Detection id. */
  readonly id: string;
  /** Why no exact EventBridge pattern exists for its filter pattern. */
  readonly reason: string;
}
