using DistaHilar.Core.Common;
using DistaHilar.Core.Contacts;
using DistaHilar.Functions.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Contacts;

public sealed class ContactFunctions(ContactService contacts)
{
    [Function("ListContacts")]
    public async Task<Results<Ok<Page<ContactView>>, ApiProblem>> List(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contacts")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var page = request.Page();
        return (page.IsSuccess ? await contacts.ListAsync(context.Caller(), request.Query["q"], page.Value, ct) : page.Problem).OkOr();
    }

    /// <summary>201 when the contact is new, 200 when it was already there.</summary>
    [Function("AddContact")]
    public async Task<Results<Created<ContactView>, Ok<ContactView>, ApiProblem>> Add(
        [HttpTrigger(AuthorizationLevel.Anonymous, "post", Route = "contacts")] HttpRequest request, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<AddContactRequest>(request, ct);
        var result = body.IsSuccess ? await contacts.AddAsync(context.Caller(), body.Value, ct) : body.Problem;
        return result.CreatedOrOk(contact => $"/api/contacts/{contact.User.Id}");
    }

    [Function("GetContact")]
    public async Task<Results<Ok<ContactView>, ApiProblem>> Get(
        [HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "contacts/{userId}")] HttpRequest request, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await contacts.GetAsync(context.Caller(), userId, ct)).OkOr();

    [Function("UpdateContact")]
    public async Task<Results<Ok<ContactView>, ApiProblem>> Update(
        [HttpTrigger(AuthorizationLevel.Anonymous, "patch", Route = "contacts/{userId}")] HttpRequest request, Guid userId, FunctionContext context, CancellationToken ct)
    {
        var body = await RequestBody.ReadAsync<UpdateContactRequest>(request, ct);
        return (body.IsSuccess ? await contacts.UpdateAsync(context.Caller(), userId, body.Value, ct) : body.Problem).OkOr();
    }

    [Function("RemoveContact")]
    public async Task<Results<NoContent, ApiProblem>> Remove(
        [HttpTrigger(AuthorizationLevel.Anonymous, "delete", Route = "contacts/{userId}")] HttpRequest request, Guid userId, FunctionContext context, CancellationToken ct) =>
        (await contacts.RemoveAsync(context.Caller(), userId, ct)).NoContentOr();
}
