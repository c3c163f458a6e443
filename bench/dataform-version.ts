/** The @dataform/core version bench/package.json pins (generated Dataform projects name it in workflow_settings.yaml). */
export const DATAFORM_CORE_VERSION = '3.0.62';
