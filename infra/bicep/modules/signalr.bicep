param name string
param location string
param tags object

@description('Standard_S1, Premium_P1 or Premium_P2 (Free_F1 has no SLA and 20 connections).')
param sku string

@description('Units: 1,000 concurrent connections and roughly 200 REST sends per second each.')
param units int

@description('The web client\'s origin(s) allowed by CORS on negotiate and connections.')
param allowedOrigins array

@description('The app\'s upstream route; {category} and {event} are filled in by the service.')
param upstreamUrlTemplate string

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: sku
    capacity: units
  }
  kind: 'SignalR'
  properties: {
    features: [
      { flag: 'ServiceMode', value: 'Serverless' }
      { flag: 'EnableConnectivityLogs', value: 'True' }
    ]
    cors: { allowedOrigins: allowedOrigins }
    // Upstream requests are signed with the access key (X-ASRS-Signature), which the app checks on every call.
    upstream: {
      templates: [
        {
          urlTemplate: upstreamUrlTemplate
          hubPattern: 'chat'
          categoryPattern: '*'
          eventPattern: '*'
        }
      ]
    }
    tls: { clientCertEnabled: false }
  }
}

output id string = signalR.id
output name string = signalR.name
output hostName string = signalR.properties.hostName
