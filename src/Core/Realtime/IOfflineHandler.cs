namespace DistaHilar.Core.Realtime;

/// <summary>Something that must happen when a user's last realtime connection goes (e.g. their call ends).</summary>
public interface IOfflineHandler
{
    Task WentOfflineAsync(Guid userId, CancellationToken ct);
}
