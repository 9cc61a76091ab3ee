param planName string
param appName string
param location string
param tags object
param identityId string

@description('The storage account\'s blob endpoint (the deployment package container lives there).')
param blobEndpoint string
param deploymentContainer string

@description('Always-ready instances for HTTP (0 scales to zero; 1+ avoids cold starts).')
param alwaysReadyInstances int

@description('The most instances Flex Consumption may run (40-1000).')
param maximumInstanceCount int

@allowed([2048, 4096])
param instanceMemoryMB int

@description('Concurrent HTTP requests per instance: each request holds at most one pooled database connection.')
param httpPerInstanceConcurrency int

@description('Browser origins allowed by CORS (the web client\'s among them).')
param allowedOrigins array

@description('Whether CORS answers allow credentials (the refresh cookie); never with \'*\' among the origins.')
param supportCredentials bool

@description('App settings: [{ name, value }]; secrets are Key Vault references.')
param appSettings array

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: { reserved: true }
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      http20Enabled: true
      cors: { allowedOrigins: allowedOrigins, supportCredentials: supportCredentials }
      appSettings: appSettings
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainer}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        alwaysReady: alwaysReadyInstances > 0 ? [{ name: 'http', instanceCount: alwaysReadyInstances }] : []
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
        triggers: { http: { perInstanceConcurrency: httpPerInstanceConcurrency } }
      }
      runtime: {
        name: 'dotnet-isolated'
        version: '10.0'
      }
    }
  }
}

output name string = site.name
output location string = site.location
output defaultHostName string = site.properties.defaultHostName
