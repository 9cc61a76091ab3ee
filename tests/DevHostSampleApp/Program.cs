using Azure.Storage.Blobs;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Services.AddSingleton(sp => new BlobContainerClient(sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"], "devhost-sample"));
builder.Build().Run();
