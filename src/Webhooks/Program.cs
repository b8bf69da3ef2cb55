using Chat.Shared.Http;
using Chat.Storage;
using Chat.Webhooks;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddChatAuthentication();
builder.AddMessageStore();
builder.AddMetadataStore();
builder.AddWebhooks();

var app = builder.Build();
app.UseServiceDefaults();
app.MapWebhooksApi();
app.RunOrExplain();
