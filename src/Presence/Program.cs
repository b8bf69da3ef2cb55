using Chat.Presence;
using Chat.Shared.Http;
using Chat.Storage;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMetadataStore();
builder.AddMessageStore();
builder.AddPresence();

var app = builder.Build();
app.UseServiceDefaults();
app.MapPresenceApi();
app.RunOrExplain();
