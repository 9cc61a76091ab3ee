using DistaHilar.Core.Auth;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Contacts;
using DistaHilar.Core.Folders;
using DistaHilar.Core.Messages;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;

namespace DistaHilar.Core.Data;

/// <summary>The app's database. Features add their entities here through their own configuration classes.</summary>
public sealed class DistaHilarDbContext : DbContext
{
    public DistaHilarDbContext(DbContextOptions<DistaHilarDbContext> options)
        : base(options)
    {
        // Our transactions commit or roll back whole: EF's automatic savepoint around each SaveChanges inside one
        // would cost a round trip (profiled: 6 % of a send's CPU) and never be rolled back to. Pooling keeps this.
        Database.AutoSavepointsEnabled = false;
    }

    public DbSet<User> Users => Set<User>();

    public DbSet<Media.MediaAsset> Media => Set<Media.MediaAsset>();

    public DbSet<Media.MessageMedia> MessageMedia => Set<Media.MessageMedia>();

    public DbSet<Session> Sessions => Set<Session>();

    public DbSet<RefreshToken> RefreshTokens => Set<RefreshToken>();

    public DbSet<Contact> Contacts => Set<Contact>();

    public DbSet<RateLimitCounter> RateLimitCounters => Set<RateLimitCounter>();

    public DbSet<UserConnection> UserConnections => Set<UserConnection>();

    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();

    public DbSet<Chat> Chats => Set<Chat>();

    public DbSet<ChatMember> ChatMembers => Set<ChatMember>();

    public DbSet<ChatBan> ChatBans => Set<ChatBan>();

    public DbSet<Folder> Folders => Set<Folder>();

    public DbSet<Message> Messages => Set<Message>();

    public DbSet<Calls.PhoneCall> Calls => Set<Calls.PhoneCall>();

    public DbSet<LiveRooms.LiveRoom> LiveRooms => Set<LiveRooms.LiveRoom>();

    public DbSet<LiveRooms.LiveParticipant> LiveParticipants => Set<LiveRooms.LiveParticipant>();

    public DbSet<HiddenMessage> HiddenMessages => Set<HiddenMessage>();

    public DbSet<MessageReaction> MessageReactions => Set<MessageReaction>();

    public DbSet<FolderChat> FolderChats => Set<FolderChat>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        // Trigram indexes back user and chat search (substring matches).
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(DistaHilarDbContext).Assembly);
    }
}
