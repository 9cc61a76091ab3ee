// The function app as the Static Web App's /api backend: the browser calls https://<web>/api/..., the same origin as
// the page, so the refresh cookie (Secure; SameSite=Strict; Path=/api/auth) is sent and no CORS is involved.
param staticSiteName string
param functionAppName string

@description('The function app\'s region.')
param functionAppLocation string

resource site 'Microsoft.Web/staticSites@2024-04-01' existing = {
  name: staticSiteName
}

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource backend 'Microsoft.Web/staticSites/linkedBackends@2024-04-01' = {
  parent: site
  name: 'api'
  properties: {
    backendResourceId: app.id
    region: functionAppLocation
  }
}

// Linking sets the function app's authentication so that only the static web app may call it. The SignalR Service's
// upstream and native clients call the app directly, and the app authenticates every request itself (its JWTs), so
// App Service authentication is turned off again once the link exists.
resource authentication 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: false }
    globalValidation: { requireAuthentication: false, unauthenticatedClientAction: 'AllowAnonymous' }
  }
  dependsOn: [backend]
}
