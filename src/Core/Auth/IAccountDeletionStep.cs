namespace DistaHilar.Core.Auth;

/// <summary>
/// What a feature undoes when an account is deleted (its memberships, its calls), inside the deletion's transaction:
/// recorded events go out with the deletion's commit. Features register one; account deletion need not know them.
/// </summary>
public interface IAccountDeletionStep
{
    Task AccountDeletedAsync(Guid userId, CancellationToken ct);
}
