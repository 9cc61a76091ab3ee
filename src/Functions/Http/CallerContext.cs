using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Http;

/// <summary>The authenticated caller, put on the invocation by <see cref="AuthenticationMiddleware"/>.</summary>
public static class CallerContext
{
    private const string Key = "DistaHilar.Caller";
    private const string ExpiresKey = "DistaHilar.AccessTokenExpiresAt";

    public static Caller Caller(this FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException($"Function {context.FunctionDefinition.Name} has no caller: is it in AnonymousFunctions by mistake?");
    }

    /// <summary>When the caller's access token stops working.</summary>
    public static DateTimeOffset AccessTokenExpiresAt(this FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(ExpiresKey, out var expires) && expires is DateTimeOffset at
            ? at
            : throw new InvalidOperationException($"Function {context.FunctionDefinition.Name} has no access token.");
    }

    internal static void SetCaller(this FunctionContext context, ValidatedAccessToken token)
    {
        context.Items[Key] = token.Caller;
        context.Items[ExpiresKey] = token.ExpiresAt;
    }
}
