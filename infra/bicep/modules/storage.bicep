@description('Storage account name (3-24 lowercase letters and digits).')
param name string
param location string
param tags object

@description('The queues the app uses; each gets its -poison twin, where the host moves messages that failed every attempt.')
param queues array

@description('Blob containers: the deployment package and the media uploads.')
param containers array

@description('Browser origins that PUT uploads to and GET media from SAS URLs directly (the web client).')
param corsOrigins array

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: { name: 'Standard_LRS' }
  properties: {
    // Keyless: the app reaches blobs and queues through its managed identity; media URLs are user-delegation SAS.
    allowSharedKeyAccess: false
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    // An upload is an XHR PUT with x-ms-blob-type and Content-Type (POST /api/media/uploads names them); reads are
    // GET/HEAD, ranged for video. Any request header is allowed and every response header exposed.
    cors: {
      corsRules: empty(corsOrigins) ? [] : [
        {
          allowedOrigins: corsOrigins
          allowedMethods: ['GET', 'HEAD', 'PUT', 'OPTIONS']
          allowedHeaders: ['*']
          exposedHeaders: ['*']
          maxAgeInSeconds: 3600
        }
      ]
    }
  }
}

resource blobContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in containers: {
  parent: blobs
  name: container
  properties: { publicAccess: 'None' }
}]

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource appQueues 'Microsoft.Storage/storageAccounts/queueServices/queues@2023-05-01' = [for queue in concat(queues, map(queues, q => '${q}-poison')): {
  parent: queueService
  name: queue
}]

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
