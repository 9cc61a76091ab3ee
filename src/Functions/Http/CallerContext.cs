using DistaHilar.Core.Auth;
using Microsoft.Azure.Functions.Worker;

namespace DistaHilar.Functions.Http;

/// <summary>The authenticated caller, put on the invocation by <see cref="AuthenticationMiddleware"/>.</summary>
public static class CallerContext
{
    private const string Key = "DistaHilar.Caller";

    public static Caller Caller(this FunctionContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Items.TryGetValue(Key, out var caller) && caller is Caller c
            ? c
            : throw new InvalidOperationException($"Function {context.FunctionDefinition.Name} has no caller: is it in AnonymousFunctions by mistake?");
    }

    internal static void SetCaller(this FunctionContext context, Caller caller) => context.Items[Key] = caller;
}
