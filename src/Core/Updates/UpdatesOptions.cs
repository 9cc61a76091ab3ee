namespace DistaHilar.Core.Updates;

/// <summary>App settings <c>Updates__*</c>: the change log behind <c>GET /api/updates</c>.</summary>
public sealed class UpdatesOptions
{
    public const string Section = "Updates";

    /// <summary>
    /// How long changes stay in the log. A client whose cursor is older is told to resync (reload its chats) instead
    /// of catching up; housekeeping deletes log rows an hour after this, so no cursor younger than it can miss a row.
    /// </summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(7);
}
