/**
 * AWS Lambda's published deprecation dates for its managed runtimes: the `lambda-runtime` rule
 * reports a function whose runtime is past its date, or not in this table at all.
 *
 * Source: AWS Lambda Developer Guide, "Lambda runtimes", tables "Supported runtimes" and
 * "Deprecated runtimes", column "Deprecation date"
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html
 * On the deprecation date Lambda stops patching the runtime; creating and later updating
 * functions on it are blocked some weeks after. Runtimes on Amazon Linux 2023 end with it
 * (2029-06-30) at the latest. AWS moves projected dates now and then: compare the table with the
 * page when you add or change a runtime, and move RUNTIME_TABLE_AS_OF with it.
 */

/** The day the table was last compared with the AWS page. */
export const RUNTIME_TABLE_AS_OF = "2026-11-22";

/** Where the dates come from. */
export const RUNTIME_TABLE_SOURCE = "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html";

/** Runtime identifier -> deprecation date (YYYY-MM-DD, the day it starts). */
export const LAMBDA_RUNTIME_DEPRECATION: Readonly<Record<string, string>> = {
  // Supported, with the projected deprecation date.
  "nodejs24.x": "2028-04-30",
  "nodejs22.x": "2027-04-30",
  "nodejs20.x": "2026-04-30",
  "python3.14": "2029-06-30",
  "python3.13": "2029-06-30",
  "python3.12": "2028-10-31",
  "python3.11": "2026-06-30",
  "python3.10": "2026-06-30",
  java25: "2029-06-30",
  java21: "2029-06-30",
  java17: "2026-06-30",
  java11: "2026-06-30",
  "java8.al2": "2026-06-30",
  dotnet10: "2028-11-14",
  dotnet8: "2026-11-10",
  "ruby3.4": "2028-03-31",
  "ruby3.3": "2027-03-31",
  "ruby3.2": "2026-03-31",
  "provided.al2023": "2029-06-30",
  "provided.al2": "2026-06-30",
  // Deprecated.
  "python3.9": "2025-12-15",
  "nodejs18.x": "2025-09-01",
  dotnet6: "2024-12-20",
  "python3.8": "2024-10-14",
  "nodejs16.x": "2024-06-12",
  dotnet7: "2024-05-14",
  java8: "2024-01-08",
  "go1.x": "2024-01-08",
  provided: "2024-01-08",
  "ruby2.7": "2023-12-07",
  "nodejs14.x": "2023-12-04",
  "python3.7": "2023-12-04",
  "dotnetcore3.1": "2023-04-03",
  "nodejs12.x": "2023-03-31",
  "python3.6": "2022-07-18",
  "dotnet5.0": "2022-05-10",
  "dotnetcore2.1": "2022-01-05",
  "nodejs10.x": "2021-07-30",
  "ruby2.5": "2021-07-30",
  "python2.7": "2021-07-15",
  "nodejs8.10": "2020-03-06",
  "nodejs4.3": "2020-03-06",
  "nodejs4.3-edge": "2019-04-30",
  "nodejs6.10": "2019-08-12",
  "dotnetcore2.0": "2019-05-30",
  "dotnetcore1.0": "2019-07-30",
  nodejs: "2016-10-31",
};

/** What the table says about a runtime on a given day. */
export type RuntimeStatus =
  | { readonly status: "supported"; readonly deprecation: string }
  | { readonly status: "deprecated"; readonly deprecation: string }
  | { readonly status: "unknown" };

/** The runtime's status on `now` (compared as UTC dates: deprecated from its deprecation day on). */
export function runtimeStatus(runtime: string, now: Date): RuntimeStatus {
  const deprecation = LAMBDA_RUNTIME_DEPRECATION[runtime];
  if (deprecation === undefined) return { status: "unknown" };
  const today = now.toISOString().slice(0, 10);
  return today >= deprecation ? { status: "deprecated", deprecation } : { status: "supported", deprecation };
}
