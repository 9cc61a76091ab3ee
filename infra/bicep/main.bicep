// The whole of DistaHilar in one resource group: Function App (Flex Consumption) with a user-assigned identity,
// keyless storage, Azure SignalR Service (serverless), PostgreSQL Flexible Server with its built-in PgBouncer,
// Key Vault, Application Insights, and the web client on a Static Web App whose /api is the function app.
// `azd up` (azure.yaml) or `az deployment sub create` (docs/deploy.md).
targetScope = 'subscription'

@minLength(1)
@maxLength(40)
@description('Environment name (azd: AZURE_ENV_NAME); names and tags derive from it.')
param environmentName string

@description('Region for every resource.')
param location string

@description('Further browser origins (a custom domain of the web client, say) allowed by CORS on the API, SignalR and blob storage; the Static Web App\'s own origin is always allowed. No \'*\': the API allows credentials.')
param allowedOrigins array = []

@allowed(['westus2', 'centralus', 'eastus2', 'westeurope', 'eastasia'])
@description('Region of the web client\'s Static Web App (offered in these only; its files are served from edge locations everywhere).')
param webLocation string = 'westeurope'

@description('Link the function app as the Static Web App\'s /api backend, so the client calls its own origin and the refresh cookie works (docs/deploy.md, web client). false: the client calls the function app cross-origin.')
param linkWebBackend bool = true

@description('Always-ready HTTP instances (0 scales to zero).')
param alwaysReadyInstances int = 1

@description('Upper bound of Flex Consumption instances; see the capacity plan in docs/deploy.md.')
param maximumInstanceCount int = 40

@allowed([2048, 4096])
param instanceMemoryMB int = 2048

@description('Concurrent HTTP requests per instance; with Database:MaxPoolSize it bounds connections per instance.')
param httpPerInstanceConcurrency int = 16

@description('Npgsql pool size per instance (connections to PgBouncer): instances × this must stay under PgBouncer\'s 5,000 clients.')
param databaseMaxPoolSize int = 20

@allowed(['Standard_S1', 'Premium_P1', 'Premium_P2'])
@description('Premium_P2 for more than 100 units (100,000 connections).')
param signalRSku string = 'Standard_S1'

@minValue(1)
@description('SignalR units: 1,000 connections and ~200 REST sends/s each.')
param signalRUnits int = 1

@description('PostgreSQL compute (General Purpose or Memory Optimized: PgBouncer is not offered on Burstable).')
param postgresSkuName string = 'Standard_D2ds_v5'

@allowed(['GeneralPurpose', 'MemoryOptimized'])
param postgresSkuTier string = 'GeneralPurpose'

param postgresStorageGB int = 64

@description('PostgreSQL administrator login (the app connects with it through the pooler).')
param postgresAdministratorLogin string = 'distahilar'

@secure()
@description('PostgreSQL administrator password; stored in Key Vault, referenced from app settings.')
param postgresAdministratorPassword string

@secure()
@description('JWT signing key (base64, at least 32 bytes): `openssl rand -base64 48`. Rotate by adding a new key id (docs/deploy.md).')
param jwtSigningKey string

@description('Id of the active JWT signing key.')
param jwtSigningKeyId string = 'key-1'

@description('Cloudinary as the media store (empty: Blob Storage).')
param cloudinaryCloudName string = ''
param cloudinaryApiKey string = ''

@secure()
param cloudinaryApiSecret string = ''

@description('STUN / TURN for calls (comma-separated URLs) and coturn\'s static-auth-secret.')
param stunUrls string = 'stun:stun.l.google.com:19302'
param turnUrls string = ''

@secure()
param turnSecret string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var names = {
  resourceGroup: 'rg-${environmentName}'
  identity: 'id-${token}'
  logs: 'log-${token}'
  insights: 'appi-${token}'
  storage: 'st${token}'
  vault: 'kv-${token}'
  signalR: 'sigr-${token}'
  postgres: 'psql-${token}'
  plan: 'plan-${token}'
  app: 'func-${token}'
  web: 'stapp-${token}'
}
var databaseName = 'distahilar'
// Optional parts, decided by their non-secret settings (their secrets then must be given too).
var cloudinaryConfigured = !empty(cloudinaryCloudName)
var turnConfigured = !empty(turnUrls)
// Every queue the app uses (each with its -poison twin) and the blob containers.
var queues = ['media-processing', 'read-state', 'call-timeouts', 'call-disconnects']
var deploymentContainer = 'deployments'
var mediaContainer = 'media'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: names.resourceGroup
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  scope: rg
  params: {
    name: names.identity
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  scope: rg
  params: {
    logAnalyticsName: names.logs
    appInsightsName: names.insights
    location: location
    tags: tags
  }
}

module web 'modules/staticwebapp.bicep' = {
  scope: rg
  params: {
    name: names.web
    location: webLocation
    tags: tags
  }
}

// Browsers on these origins call the API, SignalR and blob storage; with credentials, so never '*'.
var webOrigin = 'https://${web.outputs.defaultHostName}'
var browserOrigins = union([webOrigin], allowedOrigins)

module storage 'modules/storage.bicep' = {
  scope: rg
  params: {
    name: names.storage
    location: location
    tags: tags
    queues: queues
    containers: [deploymentContainer, mediaContainer]
    corsOrigins: browserOrigins
  }
}

module signalR 'modules/signalr.bicep' = {
  scope: rg
  params: {
    name: names.signalR
    location: location
    tags: tags
    sku: signalRSku
    units: signalRUnits
    allowedOrigins: browserOrigins
    upstreamUrlTemplate: 'https://${names.app}.azurewebsites.net/api/signalr/{category}/{event}'
  }
}

module postgres 'modules/postgres.bicep' = {
  scope: rg
  params: {
    name: names.postgres
    location: location
    tags: tags
    skuName: postgresSkuName
    skuTier: postgresSkuTier
    storageSizeGB: postgresStorageGB
    administratorLogin: postgresAdministratorLogin
    administratorPassword: postgresAdministratorPassword
    databaseName: databaseName
  }
}

resource signalRKeys 'Microsoft.SignalRService/signalR@2024-03-01' existing = {
  name: names.signalR
  scope: rg
}

var postgresHost = '${names.postgres}.postgres.database.azure.com'
var databaseCredentials = 'Database=${databaseName};Username=${postgresAdministratorLogin};Password=${postgresAdministratorPassword};SSL Mode=Require'

module vault 'modules/keyvault.bicep' = {
  scope: rg
  params: {
    name: names.vault
    location: location
    tags: tags
    secrets: union(
      {
        'jwt-signing-key': jwtSigningKey
        // The app through the built-in PgBouncer (6432, transaction mode); migrations straight to PostgreSQL (5432).
        'database-pooled': 'Host=${postgresHost};Port=6432;${databaseCredentials};Maximum Pool Size=${databaseMaxPoolSize}'
        'database-direct': 'Host=${postgresHost};Port=5432;${databaseCredentials}'
        // The app signs client and REST tokens itself (its own SignalR client), so it needs an access key.
        'signalr-connection': signalRKeys.listKeys().primaryConnectionString
      },
      cloudinaryConfigured ? { 'cloudinary-api-secret': cloudinaryApiSecret } : {},
      turnConfigured ? { 'turn-secret': turnSecret } : {})
  }
  dependsOn: [signalR, postgres]
}

var vaultUri = 'https://${names.vault}${environment().suffixes.keyvaultDns}/'

// The platform's settings: storage through the app's identity (as the host reads AzureWebJobsStorage__*), telemetry.
var platformSettings = {
  AzureWebJobsStorage__accountName: names.storage
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identity.outputs.clientId
  AZURE_CLIENT_ID: identity.outputs.clientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identity.outputs.clientId};Authorization=AAD'
}

// Settings the app reads (local.settings.example.json lists them all; a test checks this list against it).
var plainSettings = {
  Health__CheckTimeout: '00:00:02'
  Health__RetryAfter: '00:00:05'
  Auth__Issuer: 'distahilar'
  Auth__Audience: 'distahilar-clients'
  Auth__AccessTokenLifetime: '00:15:00'
  Auth__RevocationRefreshInterval: '00:00:05'
  Auth__SessionIdleTimeout: '14.00:00:00'
  Auth__SessionLifetime: '30.00:00:00'
  Auth__SigningKeys__0__Id: jwtSigningKeyId
  Auth__ActiveSigningKeyId: jwtSigningKeyId
  Passwords__MemoryKiB: '19456'
  Passwords__Iterations: '2'
  Passwords__Parallelism: '1'
  Passwords__MaxConcurrent: '0'
  Passwords__MaxQueued: '64'
  RateLimits__Window: '00:15:00'
  RateLimits__LoginFailuresPerAccount: '50'
  RateLimits__LoginFailuresPerAddress: '5'
  RateLimits__LoginBackoff: '00:00:01'
  RateLimits__LoginsPerIp: '100'
  RateLimits__RegistrationsPerIp: '20'
  RateLimits__RegistrationsPerEmail: '5'
  RateLimits__ChatsCreatedPerDay: '50'
  RateLimits__EmailPhoneChangesPerDay: '10'
  // Per-user buckets are per instance: N instances allow N x each burst (README, Configuration).
  RateLimits__MessagesPerChat__Burst: '20'
  RateLimits__MessagesPerChat__PerMinute: '60'
  RateLimits__Messages__Burst: '60'
  RateLimits__Messages__PerMinute: '1800'
  RateLimits__Typing__Burst: '10'
  RateLimits__Typing__PerMinute: '60'
  RateLimits__Reactions__Burst: '30'
  RateLimits__Reactions__PerMinute: '60'
  RateLimits__Searches__Burst: '30'
  RateLimits__Searches__PerMinute: '60'
  RateLimits__Uploads__Burst: '20'
  RateLimits__Uploads__PerMinute: '30'
  RateLimits__ChatsCreated__Burst: '5'
  RateLimits__ChatsCreated__PerMinute: '2'
  RateLimits__MembersAdded__Burst: '200'
  RateLimits__MembersAdded__PerMinute: '100'
  RateLimits__CallsStarted__Burst: '10'
  RateLimits__CallsStarted__PerMinute: '4'
  RateLimits__ProfileUpdates__Burst: '10'
  RateLimits__ProfileUpdates__PerMinute: '6'
  SignalR__Hub: 'chat'
  SignalR__ClientTokenLifetime: '00:30:00'
  SignalR__RequestTimeout: '00:00:05'
  SignalR__GroupMembershipTtl: '30.00:00:00'
  SignalR__OutboxClaimDelay: '00:00:10'
  SignalR__OutboxRetireLinger: '00:00:00.025'
  SignalR__OutboxMaxRetryDelay: '00:01:00'
  Updates__Retention: '7.00:00:00'
  Media__MaxImageBytes: '10485760'
  Media__MaxVideoBytes: '209715200'
  Media__MaxAudioBytes: '52428800'
  Media__MaxFileBytes: '2147483648'
  Media__UploadUrlLifetime: '00:15:00'
  Media__ReadUrlLifetime: '00:15:00'
  Media__Container: mediaContainer
  Media__MaxApiUploadBytes: '33554432'
  Media__MaxImageDimension: '2560'
  Media__MaxImagePixels: '25000000'
  Media__ImageConcurrency: '1'
  // ffmpeg/ffprobe are not on Flex Consumption's image: ship static builds in the package (docs/deploy.md).
  Media__FfmpegPath: '/home/site/wwwroot/tools/ffmpeg'
  Media__FfprobePath: '/home/site/wwwroot/tools/ffprobe'
  Media__ToolTimeout: '00:02:00'
  Media__UnattachedLifetime: '1.00:00:00'
  Media__StorageQuotaBytes: '10737418240'
  Media__Cloudinary__CloudName: cloudinaryCloudName
  Media__Cloudinary__ApiKey: cloudinaryApiKey
  Media__Cloudinary__SignatureAlgorithm: 'sha1'
  Media__Cloudinary__ApiBaseUrl: 'https://api.cloudinary.com'
  Calls__RingTimeout: '00:00:30'
  Calls__DisconnectGrace: '00:00:15'
  Calls__MaxSignalBytes: '32768'
  Calls__SignalsPerMinute: '300'
  Calls__StunUrls: stunUrls
  Calls__TurnUrls: turnUrls
  Calls__TurnCredentialLifetime: '01:00:00'
  // Traces, metrics and logs go to Application Insights (APPLICATIONINSIGHTS_CONNECTION_STRING above); not the console.
  Telemetry__Console: 'false'
}

// Secrets only as Key Vault references, resolved by the platform with the app's identity.
var secretSettings = {
  Auth__SigningKeys__0__Secret: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/jwt-signing-key)'
  Database__ConnectionString: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/database-pooled)'
  Database__MigrationConnectionString: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/database-direct)'
  SignalR__ConnectionString: '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/signalr-connection)'
  Media__Cloudinary__ApiSecret: cloudinaryConfigured ? '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/cloudinary-api-secret)' : ''
  Calls__TurnSecret: turnConfigured ? '@Microsoft.KeyVault(SecretUri=${vaultUri}secrets/turn-secret)' : ''
}

module roles 'modules/roles.bicep' = {
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: names.insights
  }
  dependsOn: [monitoring]
}

module app 'modules/functionapp.bicep' = {
  scope: rg
  params: {
    planName: names.plan
    appName: names.app
    location: location
    tags: tags
    identityId: identity.outputs.id
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainer: deploymentContainer
    alwaysReadyInstances: alwaysReadyInstances
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
    httpPerInstanceConcurrency: httpPerInstanceConcurrency
    allowedOrigins: browserOrigins
    supportCredentials: !contains(allowedOrigins, '*')
    appSettings: map(items(union(platformSettings, plainSettings, secretSettings)), s => { name: s.key, value: s.value })
  }
  dependsOn: [roles, vault]
}

module webBackend 'modules/staticwebapp-backend.bicep' = if (linkWebBackend) {
  scope: rg
  params: {
    staticSiteName: web.outputs.name
    functionAppName: app.outputs.name
    functionAppLocation: app.outputs.location
  }
}

output AZURE_RESOURCE_GROUP string = rg.name
output API_BASE_URL string = 'https://${app.outputs.defaultHostName}/api/'
output SIGNALR_ENDPOINT string = 'https://${signalR.outputs.hostName}'
output POSTGRES_HOST string = postgres.outputs.host
output POSTGRES_POOLER_PORT int = 6432
output KEY_VAULT_NAME string = vault.outputs.name
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
output FUNCTION_APP_NAME string = app.outputs.name
output WEB_URL string = '${webOrigin}/'
// What the web client's /config.json says (azure.yaml's predeploy hook writes it): its own /api when linked.
output WEB_API_BASE_URL string = linkWebBackend ? '/api' : 'https://${app.outputs.defaultHostName}/api'
output STATIC_WEB_APP_NAME string = web.outputs.name
