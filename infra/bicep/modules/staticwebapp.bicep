// The web client: a Static Web App (Standard, the plan that can link a function app as its /api backend). azd deploys
// web/dist to it (azure.yaml service `web`, found by its azd-service-name tag) with the SWA CLI and a deployment token.
param name string
param location string
param tags object

resource site 'Microsoft.Web/staticSites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'web' })
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    // Content comes from azd, not from a repository the service would build.
    provider: 'Custom'
    // Linked backends exist only in production; pull-request environments would call nothing.
    stagingEnvironmentPolicy: 'Disabled'
    allowConfigFileUpdates: true
  }
}

output id string = site.id
output name string = site.name
output defaultHostName string = site.properties.defaultHostname
