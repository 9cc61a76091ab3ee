using DistaHilar.Core.Common;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace DistaHilar.Functions.Http;

/// <summary>
/// Checks what the URL carries before a function binds it. Routes take ids without a <c>:guid</c> constraint, because
/// the Functions host answers a route-constraint mismatch itself, with a bare 404 the worker never sees; so an id
/// parameter (<c>Guid chatId</c>) that is not a GUID is answered here with a 404 problem ("the chat was not found"),
/// where binding would otherwise fail with a 500. Query values and text route values with control characters are
/// a 400 problem naming the parameter: none of ours can mean one, and PostgreSQL cannot store a NUL.
/// </summary>
public sealed class RouteInputMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.GetHttpContext();
        if (http is not null && Check(context, http.Request.Query) is { } problem)
        {
            await new ApiProblem(problem).ExecuteAsync(http);
            return;
        }

        await next(context);
    }

    private static Problem? Check(FunctionContext context, Microsoft.AspNetCore.Http.IQueryCollection query)
    {
        var data = context.BindingContext.BindingData;
        foreach (var parameter in context.FunctionDefinition.Parameters)
        {
            // Route values arrive as text; a value the host sent as JSON (it looks like "[1]") is its raw text.
            if (!data.TryGetValue(parameter.Name, out var raw) || Convert.ToString(raw, System.Globalization.CultureInfo.InvariantCulture) is not { } value)
            {
                continue;
            }

            if ((parameter.Type == typeof(Guid) || parameter.Type == typeof(Guid?)) && !Guid.TryParse(value, out _))
            {
                return Problem.NotFound("The " + Resource(parameter.Name));
            }

            if (parameter.Type == typeof(string) && !IsPlain(value))
            {
                return Problem.Validation(parameter.Name, "Control characters are not allowed.");
            }
        }

        foreach (var (name, values) in query)
        {
            if (!IsPlain(name) || values.Any(v => v is not null && !IsPlain(v)))
            {
                return Problem.Validation(IsPlain(name) ? name : "query", "Control characters are not allowed in the query string.");
            }
        }

        return null;
    }

    /// <summary>No control character at all (not even a line break) and no lone surrogate.</summary>
    private static bool IsPlain(string text) => TextInput.IsAllowed(text) && !text.AsSpan().ContainsAny('\t', '\n', '\r');

    /// <summary><c>chatId</c> → "chat", <c>mediaId</c> → "media": what the 404 says was not found.</summary>
    private static string Resource(string parameter) =>
        parameter.EndsWith("Id", StringComparison.Ordinal) && parameter.Length > 2 ? parameter[..^2] : parameter;
}
