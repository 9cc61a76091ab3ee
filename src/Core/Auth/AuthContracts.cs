using System.Text.Json.Serialization;
using DistaHilar.Core.Common;
using DistaHilar.Core.Users;

namespace DistaHilar.Core.Auth;

/// <summary><c>POST /api/auth/register</c>.</summary>
public sealed record RegisterRequest(string? Username, string? Email, string? Password, string? Name, string? Surname, string? Phone, string? Bio)
{
    public Problem? Validate()
    {
        var v = new Validator();
        UserRules.Username(v, "username", UserRules.NormalizeUsername(Username));
        UserRules.Email(v, "email", Email?.Trim());
        UserRules.Password(v, "password", Password);
        UserRules.Name(v, "name", UserRules.Clean(Name), required: true);
        UserRules.Name(v, "surname", UserRules.Clean(Surname), required: false);
        UserRules.Phone(v, "phone", UserRules.Clean(Phone));
        UserRules.Bio(v, "bio", UserRules.Clean(Bio));
        return v.ToProblem();
    }
}

/// <summary><c>POST /api/auth/login</c>: <c>login</c> is a username or an email.</summary>
public sealed record LoginRequest(string? Login, string? Password)
{
    public Problem? Validate() => new Validator()
        .Check(Login is { Length: > 0 and <= 254 }, "login", "A username or email is required.")
        .Check(Password is { Length: > 0 and <= UserRules.PasswordMaxLength }, "password", "A password is required.")
        .ToProblem();
}

/// <summary><c>POST /api/auth/refresh</c> body, for clients that do not keep the cookie.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary><c>PUT /api/users/me/password</c>.</summary>
public sealed record ChangePasswordRequest(string? CurrentPassword, string? NewPassword)
{
    public Problem? Validate()
    {
        var v = new Validator().Check(CurrentPassword is { Length: > 0 and <= UserRules.PasswordMaxLength }, "currentPassword", "The current password is required.");
        UserRules.Password(v, "newPassword", NewPassword);
        return v.ToProblem();
    }
}

/// <summary>Where a request came from, as recorded on the session.</summary>
public sealed record ClientInfo(string? UserAgent, string? Ip);

/// <summary>A signed-in session's tokens. The refresh token also goes into an HttpOnly cookie.</summary>
public sealed record AuthResult(
    MyProfile User,
    string AccessToken,
    DateTimeOffset AccessTokenExpiresAt,
    string? RefreshToken,
    DateTimeOffset RefreshTokenExpiresAt,
    [property: JsonIgnore] Guid SessionId);

/// <summary>A row of <c>GET /api/auth/sessions</c>.</summary>
public sealed record SessionView(Guid Id, string Device, string? Ip, DateTimeOffset CreatedAt, DateTimeOffset LastUsedAt, bool Current);
