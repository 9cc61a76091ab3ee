using DistaHilar.Core;
using DistaHilar.Functions.Hosting;
using DistaHilar.Functions.Http;
using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Hosting;

NativeMemory.KeepLargeBlocksReturnable();
var builder = FunctionsApplication.CreateBuilder(args);
builder.ConfigureFunctionsWebApplication();
builder.Logging.UseHostJsonLogLevels(Path.Combine(AppContext.BaseDirectory, "host.json"));
builder.UseMiddleware<AfterResponseMiddleware>();
builder.UseMiddleware<ExceptionMiddleware>();
builder.UseMiddleware<AuthenticationMiddleware>();
builder.UseMiddleware<RouteInputMiddleware>();
builder.UseMiddleware<QueueAgeMiddleware>();
builder.Services.AddDistaHilarCore(builder.Configuration);
builder.Services.AddDistaHilarTelemetry(builder.Configuration);
builder.Build().Run();
