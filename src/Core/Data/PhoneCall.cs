using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace DistaHilar.Core.Data;

public enum CallStatus : short
{
    Ringing = 0,
    Active = 1,
    Ended = 2,
    Rejected = 3,
    Missed = 4,
    Busy = 5,
}

/// <summary>
/// A 1:1 call in a dialog. Every step is a conditional update from the state it expects (optimistic concurrency): of
/// two racing accepts one moves <see cref="Status"/> and the other finds it moved.
/// </summary>
public sealed class PhoneCall
{
    public Guid Id { get; init; }

    public Guid ChatId { get; init; }

    public Guid CallerId { get; init; }

    public Guid CalleeId { get; init; }

    public bool Video { get; init; }

    public CallStatus Status { get; set; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset? AnsweredAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary>Why it ended: hangup, rejected, no_answer, cancelled, busy, disconnected.</summary>
    public string? EndReason { get; set; }
}

internal sealed class CallConfiguration : IEntityTypeConfiguration<PhoneCall>
{
    public void Configure(EntityTypeBuilder<PhoneCall> call)
    {
        call.ToTable("calls");
        call.HasKey(c => c.Id);
        call.Property(c => c.Status).HasConversion<short>();
        call.Property(c => c.EndReason).HasMaxLength(16);
        // My call history, newest first (either side).
        call.HasIndex(c => new { c.CallerId, c.CreatedAt });
        call.HasIndex(c => new { c.CalleeId, c.CreatedAt });
        // "Busy": the live calls of a user, either side.
        call.HasIndex(c => c.CallerId, "ix_calls_live_caller").HasDatabaseName("ix_calls_live_caller").HasFilter("status IN (0, 1)");
        call.HasIndex(c => c.CalleeId, "ix_calls_live_callee").HasDatabaseName("ix_calls_live_callee").HasFilter("status IN (0, 1)");
        call.HasOne<Chat>().WithMany().HasForeignKey(c => c.ChatId).OnDelete(DeleteBehavior.Cascade);
        call.HasOne<User>().WithMany().HasForeignKey(c => c.CallerId).OnDelete(DeleteBehavior.Cascade);
        call.HasOne<User>().WithMany().HasForeignKey(c => c.CalleeId).OnDelete(DeleteBehavior.Cascade);
    }
}
