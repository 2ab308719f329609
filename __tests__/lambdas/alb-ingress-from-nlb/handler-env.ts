// Imported before the handler so that its load-time checks see a valid environment.
// Jest gives each test file its own copy of process.env, so this does not leak into other files.
process.env.NLB_ENI_DESCRIPTION = "ELB net/api-nlb/50dc6c495c0c9188";
process.env.SECURITY_GROUP_ID = "sg-0123456789abcdef0";
process.env.PORTS = "80";
delete process.env.RULE_DESCRIPTION_PREFIX;
