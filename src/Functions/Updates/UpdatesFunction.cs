using DistaHilar.Core.Updates;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Updates;

public sealed class UpdatesFunction(UpdatesService updates)
{
    [Function("GetUpdates")]
    public async Task<Results<Ok<UpdatesPage>, ApiProblem>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "updates")] HttpRequest request, FunctionContext context, CancellationToken ct) =>
        (await updates.GetAsync(context.Caller(), request.Query["since"], request.Query["limit"], ct)).OkOr();
}
