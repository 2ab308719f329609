import type { Construct } from "constructs";
import { ApiAlarms, type ApiAlarmOptions } from "./api-alarms";
import { HttpApiCustomDomain } from "./http-api-custom-domain";
import type { PrivateHttpApi } from "./private-http-api";
import type { PrivateRestApi } from "./private-rest-api";
import { RestApiCustomDomain } from "./rest-api-custom-domain";
import type { CustomDomainOptions } from "../core/types";

/**
 * What goes on an API stage besides the API, the same way for a REST and an HTTP API: alarms and a
 * custom domain. PrivateApiStack calls these for whichever API it built.
 *
 * Where each is created is part of its Terraform addresses, so it stays where each API first had
 * it: a REST API's alarms and domain are siblings of the API, under `scope` (`ApiAlarms`,
 * `CustomDomain/...`), an HTTP API's are children of the API (`HttpApi/Alarms`,
 * `HttpApi/DomainName`, ...). These two functions are the only place that knows it.
 */

/** A REST or an HTTP API of this package; `apiType` tells them apart. */
export type PrivateApi = PrivateRestApi | PrivateHttpApi;

/** The CloudWatch alarms on the stage of `api` (5XX rate and p99 latency); `name` prefixes the alarm names. */
export function addStageAlarms(scope: Construct, name: string, api: PrivateApi, options: ApiAlarmOptions = {}): ApiAlarms {
  return api.apiType === "rest"
    ? new ApiAlarms(scope, "ApiAlarms", { ...options, name, apiType: "rest", api: api.restApiName, stageName: api.stageName })
    : new ApiAlarms(api, "Alarms", { ...options, name, apiType: "http", api: api.apiId, stageName: api.stageName });
}

/** Serves the stage of `api` on a regional custom domain with an alias record; returns the domain's URL. */
export function addStageCustomDomain(scope: Construct, api: PrivateApi, domain: CustomDomainOptions): string {
  return api.apiType === "rest"
    ? new RestApiCustomDomain(scope, "CustomDomain", { ...domain, restApiId: api.restApiId, stageName: api.stageName }).url
    : new HttpApiCustomDomain(api, { ...domain, apiId: api.apiId, stageId: api.stageId }).url;
}
