using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

/// <summary>A live voice room of a group or channel: at most one per chat, while it lasts.</summary>
public sealed class LiveRoom
{
    public Guid ChatId { get; init; }

    public Guid HostId { get; set; }

    public DateTimeOffset StartedAt { get; init; }
}

public enum LiveRole : short
{
    Listener = 0,
    Speaker = 1,
    Host = 2,
}

/// <summary>Someone in a live room: listeners are always muted; a raised hand waits in <see cref="HandRaisedAt"/> order.</summary>
public sealed class LiveParticipant
{
    public Guid ChatId { get; init; }

    public Guid UserId { get; init; }

    public LiveRole Role { get; set; }

    public bool Muted { get; set; } = true;

    public DateTimeOffset? HandRaisedAt { get; set; }

    public DateTimeOffset JoinedAt { get; init; }
}

internal sealed class LiveRoomConfiguration : IEntityTypeConfiguration<LiveRoom>, IEntityTypeConfiguration<LiveParticipant>
{
    public void Configure(EntityTypeBuilder<LiveRoom> room)
    {
        room.ToTable("live_rooms");
        room.HasKey(r => r.ChatId);
        room.HasOne<Chat>().WithOne().HasForeignKey<LiveRoom>(r => r.ChatId).OnDelete(DeleteBehavior.Cascade);
        room.HasOne<User>().WithMany().HasForeignKey(r => r.HostId).OnDelete(DeleteBehavior.Restrict);
    }

    public void Configure(EntityTypeBuilder<LiveParticipant> participant)
    {
        participant.ToTable("live_participants");
        participant.HasKey(p => new { p.ChatId, p.UserId });
        participant.Property(p => p.Role).HasConversion<short>();
        // A user's rooms (leaving them all when they go offline).
        participant.HasIndex(p => p.UserId);
        participant.HasOne<LiveRoom>().WithMany().HasForeignKey(p => p.ChatId).OnDelete(DeleteBehavior.Cascade);
        participant.HasOne<User>().WithMany().HasForeignKey(p => p.UserId).OnDelete(DeleteBehavior.Cascade);
    }
}
