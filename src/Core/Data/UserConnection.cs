using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>
/// A live realtime connection, as reported by the service's connection events: a user is online while they have at
/// least one. Rows are keyed by the service's connection id, so a repeated event is harmless.
/// </summary>
public sealed class UserConnection
{
    public string ConnectionId { get; init; } = "";

    public Guid UserId { get; init; }

    /// <summary>The session (device) whose client token opened it: ending the session closes it.</summary>
    public Guid SessionId { get; init; }

    public DateTimeOffset ConnectedAt { get; init; }
}

internal sealed class UserConnectionConfiguration : IEntityTypeConfiguration<UserConnection>
{
    public void Configure(EntityTypeBuilder<UserConnection> connection)
    {
        connection.ToTable("user_connections");
        connection.HasKey(c => c.ConnectionId);
        connection.Property(c => c.ConnectionId).HasMaxLength(128);
        connection.HasOne<User>().WithMany().HasForeignKey(c => c.UserId).OnDelete(DeleteBehavior.Cascade);
        // "Is this user online?" for profiles, batched over a page of users.
        connection.HasIndex(c => c.UserId);
        // Ending a session closes its connections (the foreign key to sessions is declared by Auth).
        connection.HasIndex(c => c.SessionId);
    }
}
