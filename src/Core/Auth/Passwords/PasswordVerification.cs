namespace DistaHilar.Core.Auth.Passwords;

public enum PasswordVerification
{
    Failed,
    Succeeded,

    /// <summary>The password is right but its hash has old costs: store <see cref="PasswordHasher.Hash"/> of it now.</summary>
    SucceededRehashNeeded,
}
