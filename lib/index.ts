/**
 * The package's public API (package.json "main"/"types" point at its build, dist/index.js): an explicit
 * list, so an export is added on purpose and a removal shows in review (and in CHANGELOG.md).
 */

// The shared vocabulary: defaults, value types and AWS limits
export {
  BRIDGE_METRIC_NAMESPACE,
  ALB_LOG_ABORT_INCOMPLETE_UPLOAD_DAYS,
  DEFAULT_ACCESS_LOG_RETENTION_DAYS,
  DEFAULT_ALARM_EVALUATION_MINUTES,
  DEFAULT_ALB_LOG_EXPIRATION_DAYS,
  DEFAULT_ANTI_FLAP_RUNS,
  DEFAULT_API_KEY_VALUE,
  DEFAULT_AUTHORIZER_RESULT_TTL_SECONDS,
  DEFAULT_CACHE_SIZE_GB,
  DEFAULT_CACHE_TTL_SECONDS,
  DEFAULT_CLUSTER_DESIRED_CAPACITY,
  DEFAULT_CLUSTER_MAX_SIZE,
  DEFAULT_CLUSTER_MIN_SIZE,
  DEFAULT_CONTAINER_CPU,
  DEFAULT_CONTAINER_HEALTH_CHECK,
  DEFAULT_CONTAINER_MEMORY_MIB,
  DEFAULT_DELETION_PROTECTION,
  DEFAULT_DESIRED_COUNT,
  DEFAULT_ECS_AMI_SSM_PARAMETER,
  DEFAULT_EXECUTION_LOG_LEVEL,
  DEFAULT_HEALTH_CHECK,
  DEFAULT_HTTP_IDENTITY_SOURCE,
  DEFAULT_INSTANCE_TYPE,
  DEFAULT_LAMBDA_AUTHORIZER_KIND,
  DEFAULT_P99_LATENCY_MS,
  DEFAULT_REST_IDENTITY_SOURCE,
  DEFAULT_ROOT_VOLUME_SIZE_GIB,
  DEFAULT_ROUTE_AUTHORIZATION,
  DEFAULT_SERVER_ERROR_RATE_PERCENT,
  DEFAULT_SERVICE_CAPACITY,
  DEFAULT_SERVICE_LOG_RETENTION_DAYS,
  DEFAULT_SSL_POLICY,
  DEFAULT_STAGE_NAME,
  DEFAULT_SYNC_SCHEDULE,
  DEFAULT_TARGET_CAPACITY_PERCENT,
  DEFAULT_VPC_ENDPOINTS,
  DEFAULT_FLOW_LOG_TRAFFIC,
  DEFAULT_LOG_RETENTION_DAYS,
  DEFAULT_WEB_ACL_RATE_LIMIT,
  healthCheckWithDefaults,
  WEB_ACL_MANAGED_RULE_GROUPS,
} from "./core/defaults";
export {
  DYNAMIC_PORT_RANGE,
  FARGATE_EPHEMERAL_STORAGE_GIB,
  FARGATE_TASK_SIZES,
  fargateMemoryFor,
  MAX_HTTP_API_INTEGRATIONS,
  MAX_LISTENERS_PER_NLB,
  MAX_RULES_PER_ALB,
  MAX_TARGET_GROUPS_PER_ECS_SERVICE,
} from "./core/limits";
export {
  ELB_LOG_DELIVERY_ACCOUNTS,
  ELB_LOG_DELIVERY_SERVICE,
  elbLogDeliveryPrincipal,
  type LogDeliveryPrincipal,
} from "./core/elb-log-delivery";
export {
  type AccessLogOptions,
  type AlbLogBucketOptions,
  type AlbLogsOptions,
  type Authorization,
  type Authorizer,
  type CognitoAuthorizer,
  type ContainerHealthCheck,
  type CustomDomainOptions,
  type HealthCheck,
  HTTP_METHODS,
  type HttpMethod,
  type JwtAuthorizer,
  type LambdaAuthorizer,
  type LogGroupOptions,
  type TaskRolePermissions,
  type TaskRoleStatement,
  type ThrottleSettings,
  type WebAclManagedRuleGroup,
  type WebAclOptions,
} from "./core/types";

// The config: schema, loading, what it implies
export { albHttps, bridgeMode, bridgePort, computeOf, nlbPorts, nlbServicePorts, portVia } from "./config/implied";
export {
  CONFIG_ENV_VAR,
  ConfigError,
  configPathFromEnv,
  formatPath,
  isCi,
  loadConfigFile,
  loadConfigFromEnv,
  parseConfig,
} from "./config/load";
export { describePort, portOfRoute, portPath, portsOf, type ServicePort, type ServicePortFields } from "./config/ports";
export {
  type AlbConfig,
  type AlbLogsConfig,
  type ApiConfig,
  type AuthorizerConfig,
  type BackendConfig,
  type BridgeConfig,
  type ClusterConfig,
  configShape,
  type ContainerHealthCheckConfig,
  type CustomDomainConfig,
  DEFAULT_PORT_HEALTH_CHECK,
  type HealthCheckConfig,
  type NetworkConfig,
  type PrivateApiConfig,
  type PrivateApiConfigInput,
  type QuotasConfig,
  type RouteAuthorization,
  type RouteConfig,
  type ServiceConfig,
  type ServicePortConfig,
  type TaskRoleConfig,
  type ThrottleConfig,
  type WebAclConfig,
} from "./config/schema";

// The model: the plan of a stack, its topology, names and ids
export { type CapacityProviderModel, capacityProviderOf, serviceCapacity, type ServiceCapacityModel } from "./model/capacity";
export {
  type ConnectionsInput,
  describeGroup,
  type GroupRef,
  planSecurityGroupRules,
  rulesPerGroup,
  type SecurityGroupRule,
  targetPortRanges,
} from "./model/connections";
export {
  apiConstructId,
  FIXED_ID_WORDS,
  furtherPortIdPart,
  LOWER_CASE_FIXED_IDS,
  methodConstructId,
  PORT_ID_MARK,
  USER_ID_MARK,
  userIdPart,
} from "./model/ids";
export {
  alarmName,
  albIngressFunctionName,
  albIpTargetGroupName,
  albLogBucketPrefix,
  albName,
  albTargetGroupName,
  apiGatewayCloudWatchRoleName,
  autoscalingGroupName,
  AWS_NAME_LIMITS,
  bridgeTargetGroupName,
  capacityProviderName,
  endpointSecurityGroupName,
  executionRoleName,
  fitName,
  httpVpcLinkSecurityGroupName,
  instanceRoleName,
  instanceSecurityGroupName,
  ipTargetGroupName,
  launchTemplatePrefix,
  nlbName,
  nlbTargetSyncFunctionName,
  partitionOf,
  restVpcLinkName,
  scalingPolicyName,
  serviceLogGroupName,
  serviceSecurityGroupName,
  shardNlbName,
  syncScheduleRuleName,
  syncStateParameterName,
  targetGroupName,
  taskFamilyName,
  taskRoleName,
  webAclLogGroupName,
  webAclName,
} from "./model/names";
export { type NlbShardLedger } from "./model/shards";
export {
  type AdoptionPlan,
  type AlarmsPlan,
  type AlbPlan,
  type BackendPlan,
  type BridgePlan,
  type ClusterPlan,
  type CustomDomainPlan,
  type FargateEgressPlan,
  type FargatePlan,
  type FurtherPortPlan,
  type HttpApiPlan,
  type HttpRoutePlan,
  type HttpTargetPlan,
  type NetworkPlan,
  type NlbPlan,
  type NlbPortPlan,
  type OutputsPlan,
  planStack,
  type ProviderPlan,
  type RestApiPlan,
  type RestRoutePlan,
  type ServicePlan,
  type StackPlan,
  type StatePlan,
} from "./model/stack-plan";
export {
  type AlbModel,
  type AlbServiceModel,
  type ApiModel,
  type BridgeModel,
  type NlbModel,
  type NlbServicePort,
  planTopology,
  type RouteModel,
  type RouteTarget,
  type ServiceModel,
  type ServicePortModel,
  type TargetType,
  targetTypeOf,
  type Topology,
} from "./model/topology";

// Validation and synthesis
export { stackFileName, synthesize, type SynthFormat, type SynthOptions, type SynthWarning } from "./synth";
export { checkedPlan, validateConfig, type ValidatedConfig } from "./validate";

// Constructs, one per file
export { HTTP_ACCESS_LOG_FORMAT, REST_ACCESS_LOG_FORMAT } from "./constructs/access-log-format";
export { AlbBridge, type AlbBridgeProps } from "./constructs/alb-bridge";
export { AlbLogBucket, albLogBucketPolicy, type AlbLogBucketProps } from "./constructs/alb-log-bucket";
export { type ApiAlarmOptions, ApiAlarms, type ApiAlarmsProps } from "./constructs/api-alarms";
export { ApiGatewayCloudWatchRole, type ApiGatewayCloudWatchRoleProps } from "./constructs/api-gateway-cloudwatch-role";
export { addStageAlarms, addStageCustomDomain, type PrivateApi } from "./constructs/api-stage-addons";
export {
  BundledNodejsFunction,
  type BundledNodejsFunctionProps,
  bundleOnce,
  LAMBDA_RUNTIME,
  type LambdaBundle,
  lambdaBundleOptions,
  type PolicyStatement,
} from "./constructs/bundled-nodejs-function";
export { applySecurityGroupRules, Connections, type Peer, type PortRuleSpec } from "./constructs/connections";
export {
  type CapacityProviderOptions,
  type ClusterCapacity,
  type EcsCapacityProviderRef,
  EcsEc2Cluster,
  type EcsEc2ClusterProps,
  type ExistingEcsCluster,
} from "./constructs/ecs-ec2-cluster";
export {
  deploymentLimits,
  EcsEc2Service,
  type EcsEc2ServiceAutoscaling,
  type EcsEc2ServicePort,
  type EcsEc2ServiceProps,
} from "./constructs/ecs-ec2-service";
export {
  EcsFargateService,
  type EcsFargateServicePort,
  type EcsFargateServiceProps,
  type FargateCapacityProviderStrategyItem,
  type FargateEgressRule,
} from "./constructs/ecs-fargate-service";
// The task and container props both service constructs extend; the helpers that build the roles and
// the container definition stay internal (their construct ids and output shape are not an API).
export { type EcsServiceAutoscaling, type EcsTaskProps } from "./constructs/ecs-task-parts";
export { HttpApiCustomDomain, type HttpApiCustomDomainProps } from "./constructs/http-api-custom-domain";
export {
  type AlbServiceRoute,
  type ExistingApplicationLoadBalancer,
  InternalApplicationLoadBalancer,
  type InternalApplicationLoadBalancerProps,
  rulePriority,
} from "./constructs/internal-application-load-balancer";
export {
  InternalNetworkLoadBalancer,
  type InternalNetworkLoadBalancerProps,
  type NlbPort,
  type NlbPortResources,
} from "./constructs/internal-network-load-balancer";
export { allowAuthorizerInvoke, type LambdaAuthorizerPermissionProps, lambdaAuthorizerUri } from "./constructs/lambda-authorizer";
export { type HttpApiIntegrationTarget, type HttpApiRoute, PrivateHttpApi, type PrivateHttpApiProps } from "./constructs/private-http-api";
export {
  ECS_INTERFACE_ENDPOINTS,
  type ExistingVpc,
  type FlowLogOptions,
  PrivateNetwork,
  type PrivateNetworkProps,
} from "./constructs/private-network";
export { PrivateRestApi, type PrivateRestApiProps, type RestApiRoute, type StageCacheOptions } from "./constructs/private-rest-api";
export { RestApiCustomDomain, type RestApiCustomDomainProps } from "./constructs/rest-api-custom-domain";
export { RATE_LIMIT_RULE_NAME, RestApiWebAcl, type RestApiWebAclProps, WEB_ACL_REDACTED_HEADERS } from "./constructs/rest-api-web-acl";
export {
  type ApiKeyOptions,
  apiKeyVariableName,
  type MethodThrottle,
  RestApiUsagePlans,
  type RestApiUsagePlansProps,
  throttlePath,
  type UsagePlanOptions,
} from "./constructs/rest-api-usage-plans";
export { RestVpcLink, type RestVpcLinkProps } from "./constructs/rest-vpc-link";
export { ServiceAutoscaling, type ServiceAutoscalingProps, type ServiceScalingMetrics } from "./constructs/service-autoscaling";
export { ImportBlock, MovedBlock } from "./constructs/state-blocks";
export { VpcLinkV2, type VpcLinkV2Props } from "./constructs/vpc-link-v2";

// The stack
export { AWS_PROVIDER_VERSION, PrivateApiStack, type PrivateApiStackProps } from "./stacks/private-api-stack";
