using DistaHilar.Core.Auth;
using DistaHilar.Core.Auth.Passwords;
using DistaHilar.Core.Calls;
using DistaHilar.Core.Chats;
using DistaHilar.Core.Common;
using DistaHilar.Core.Contacts;
using DistaHilar.Core.Data;
using DistaHilar.Core.Folders;
using DistaHilar.Core.Health;
using DistaHilar.Core.LiveRooms;
using DistaHilar.Core.Maintenance;
using DistaHilar.Core.Media;
using DistaHilar.Core.Messages;
using DistaHilar.Core.Pipeline;
using DistaHilar.Core.RateLimiting;
using DistaHilar.Core.Realtime;
using DistaHilar.Core.Storage;
using DistaHilar.Core.Telemetry;
using DistaHilar.Core.Updates;
using DistaHilar.Core.Users;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;

namespace DistaHilar.Core;

/// <summary>The one composition root: the function app, the tests and the tools all call this.</summary>
public static class DistaHilarServices
{
    public static IServiceCollection AddDistaHilarCore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddMetrics();
        services.AddSingleton<AppMetrics>();
        services.AddScoped<AfterResponse>();

        services.AddOptions<DatabaseOptions>().Bind(configuration.GetSection(DatabaseOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<HealthOptions>().Bind(configuration.GetSection(HealthOptions.Section));

        services.AddSingleton(sp => NpgsqlDataSource.Create(PooledConnectionString.For(sp.GetRequiredService<IOptions<DatabaseOptions>>().Value.ConnectionString)));
        services.AddDbContextPool<DistaHilarDbContext>((sp, options) => options.UseNpgsql(sp.GetRequiredService<NpgsqlDataSource>()).UseSnakeCaseNamingConvention()
            .LogDatabaseFailuresAtDebug()
            .AddInterceptors(sp.GetServices<IInterceptor>())); // diagnostics, e.g. the tests' query counter

        services.AddSingleton(_ => StorageClients.FromConfiguration(configuration));
        services.AddSingleton<BlobSasSigner>();

        services.AddSingleton<HealthService>();

        services.AddOptions<AuthOptions>().Bind(configuration.GetSection(AuthOptions.Section)).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<PasswordOptions>().Bind(configuration.GetSection(PasswordOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PasswordOptions>, PasswordOptionsValidator>();
        services.AddOptions<RateLimitOptions>().Bind(configuration.GetSection(RateLimitOptions.Section));
        services.AddSingleton<PasswordHasher>();
        services.AddSingleton<PasswordGate>();
        services.AddSingleton<AccessTokens>();
        services.AddSingleton<RevokedSessions>();
        services.AddScoped<SessionEnding>();
        services.AddSingleton<RateLimiter>();
        services.AddSingleton<UserLimits>();
        services.AddScoped<LoginThrottle>();
        services.AddScoped<AuthService>();
        services.AddScoped<UserUniqueness>();
        services.AddScoped<UserService>();
        services.AddScoped<AccountDeletion>();
        services.AddScoped<ContactService>();
        services.AddScoped<Housekeeping>();

        services.AddOptions<SignalROptions>().Bind(configuration.GetSection(SignalROptions.Section));
        services.AddSingleton<SignalRSetup>();
        services.AddScoped<PresenceTracker>();
        services.AddSingleton<RealtimeCircuit>();
        services.AddSingleton<OutboxRetirement>();
        services.AddScoped<OutboxPublisher>();
        services.AddScoped<OutboxDispatcher>();
        services.AddScoped<RealtimeEvents>();
        services.AddScoped<ChatAccess>();
        services.AddScoped<WritePipeline>();
        services.AddScoped<GroupRenewal>();
        services.AddScoped<StaleConnections>();
        services.AddScoped<RealtimeNegotiation>();

        services.AddScoped<ChatViews>();
        services.AddScoped<ChatService>();
        services.AddScoped<MemberService>();
        services.AddScoped<TypingRelay>();
        services.AddScoped<IHubMethod>(sp => sp.GetRequiredService<TypingRelay>());
        services.AddScoped<ChatList>();
        services.AddScoped<ChatSearch>();
        services.AddScoped<FolderService>();
        services.AddSingleton<SendLanes>();
        services.AddScoped<SendStatement>();
        services.AddScoped<ServiceMessages>();
        services.AddScoped<MessageViews>();
        services.AddScoped<UnreadCounts>();
        services.AddScoped<MessageService>();
        services.AddScoped<MessageEdits>();
        services.AddScoped<MessageChanges>();
        services.AddScoped<MessageForwards>();
        services.AddScoped<MessageSearch>();
        services.AddScoped<ReactionService>();
        services.AddSingleton<ReadEventSender>();
        services.AddScoped<ReadStateAggregator>();
        services.AddScoped<HubMethods>();
        services.AddSingleton<QueueSender>();
        services.AddOptions<MediaOptions>().Bind(configuration.GetSection(MediaOptions.Section));
        services.AddOptions<CloudinaryOptions>().Bind(configuration.GetSection(CloudinaryOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CloudinaryOptions>, CloudinaryOptionsValidator>();
        if (configuration.GetSection(CloudinaryOptions.Section).Get<CloudinaryOptions>()?.IsConfigured == true)
        {
            // A typed client (transient, its handler pooled by the factory); no header values in the client's logs
            // (the Admin API's basic auth carries the secret). Long uploads stream through it, hence the long timeout.
            services.AddHttpClient<IMediaStore, CloudinaryMediaStore>(c => c.Timeout = TimeSpan.FromMinutes(10))
                .RedactLoggedHeaders(_ => true);
        }
        else
        {
            services.AddSingleton<IMediaStore, BlobMediaStore>();
        }

        services.AddScoped<AvatarImages>();
        services.AddScoped<MediaService>();
        services.AddSingleton<Ffmpeg>();
        services.AddScoped<MediaNotifier>();
        services.AddScoped<MediaProcessor>();
        services.AddScoped<MediaCleanup>();
        services.AddOptions<CallOptions>().Bind(configuration.GetSection(CallOptions.Section));
        services.AddScoped<CallService>();
        services.AddScoped<SignalDelivery>();
        services.AddScoped<CallSignals>();
        services.AddScoped<IHubMethod>(sp => sp.GetRequiredService<CallSignals>());
        services.AddScoped<CallDisconnects>();
        services.AddScoped<LiveRoomRoster>();
        services.AddScoped<LiveRoomService>();
        services.AddScoped<LiveSignals>();
        services.AddScoped<IHubMethod>(sp => sp.GetRequiredService<LiveSignals>());
        services.AddScoped<IOfflineHandler>(sp => sp.GetRequiredService<CallDisconnects>());
        services.AddScoped<AccountDeparture>();
        services.AddScoped<IAccountDeletionStep>(sp => sp.GetRequiredService<AccountDeparture>());
        services.AddScoped<IAccountDeletionStep>(sp => sp.GetRequiredService<CallService>());
        services.AddSingleton<IceServerCredentials>();
        services.AddOptions<UpdatesOptions>().Bind(configuration.GetSection(UpdatesOptions.Section));
        services.AddScoped<UpdatesService>();
        services.AddHttpClient<SignalRService>(c => c.Timeout = Timeout.InfiniteTimeSpan);
        return services;
    }
}
