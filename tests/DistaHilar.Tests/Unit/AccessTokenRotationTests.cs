using DistaHilar.Core.Auth;
using DistaHilar.Core.Common;
using Microsoft.Extensions.Options;

namespace DistaHilar.Tests.Unit;

public sealed class AccessTokenRotationTests
{
    private static readonly SigningKey Old = new() { Id = "2026-10", Secret = Convert.ToBase64String(Enumerable.Repeat((byte)1, 32).ToArray()) };
    private static readonly SigningKey New = new() { Id = "2026-11", Secret = Convert.ToBase64String(Enumerable.Repeat((byte)2, 32).ToArray()) };

    [Fact]
    public async Task A_token_of_the_old_key_works_until_the_old_key_is_removed()
    {
        var user = Guid.NewGuid();
        var session = Guid.NewGuid();
        var issuedWithOld = Tokens(Old.Id, Old, New).Issue(user, session).Token;

        var afterSwitch = await Tokens(New.Id, Old, New).ValidateAsync(issuedWithOld);
        var afterRemoval = await Tokens(New.Id, New).ValidateAsync(issuedWithOld);
        var fresh = await Tokens(New.Id, New).ValidateAsync(Tokens(New.Id, Old, New).Issue(user, session).Token);

        Assert.Equal(new Caller(user, session), afterSwitch?.Caller);
        Assert.Null(afterRemoval);
        Assert.Equal(new Caller(user, session), fresh?.Caller);
    }

    [Fact]
    public void Tokens_name_their_key()
    {
        var token = Tokens(New.Id, Old, New).Issue(Guid.NewGuid(), Guid.NewGuid()).Token;
        var header = System.Text.Encoding.UTF8.GetString(System.Buffers.Text.Base64Url.DecodeFromChars(token.Split('.')[0]));

        Assert.Contains("\"kid\":\"2026-11\"", header, StringComparison.Ordinal);
        Assert.Contains("\"alg\":\"HS256\"", header, StringComparison.Ordinal);
    }

    private static AccessTokens Tokens(string active, params SigningKey[] keys) =>
        new(Options.Create(new AuthOptions { SigningKeys = [.. keys], ActiveSigningKeyId = active }), TimeProvider.System);
}
