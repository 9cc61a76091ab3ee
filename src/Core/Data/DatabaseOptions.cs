using System.ComponentModel.DataAnnotations;

namespace DistaHilar.Core.Data;

/// <summary>App settings <c>Database__*</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>The app's connection: always through the pooler (PgBouncer, transaction mode).</summary>
    [Required(ErrorMessage = "Database__ConnectionString is required (the PgBouncer connection string).")]
    public string ConnectionString { get; set; } = "";

    /// <summary>A direct (non-pooled) connection, used only to apply migrations.</summary>
    public string? MigrationConnectionString { get; set; }
}
