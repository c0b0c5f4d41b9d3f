//! Status changes dispatched per second to 10 subscribers (goal: ≥ 200,000/s on one core).
//!
//! One service writes `Audio Volume`; ten subscribers each follow it. An iteration is one
//! change, delivered to all ten queues and drained; `render` also builds each subscriber's
//! JSON payload, as a WebSocket connection would.

use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use roomd::clock::Clock;
use roomd::xapi::{
    Bus, Caller, Limits, Notification, Schema, StatusWriter, SubscriberHandle, Typing, parse_text,
};
use tokio::sync::mpsc::Receiver;

/// A subscriber's handle and its queue.
type Follower = (SubscriberHandle, Receiver<Notification>);

fn setup() -> (Arc<Bus>, StatusWriter, Vec<Follower>) {
    let schema = Schema::embedded("barents", &[]).unwrap();
    let bus = Bus::new(
        Arc::new(schema),
        Arc::new(Clock::manual(0)),
        Limits::default(),
    );
    let writer = bus.claim_status("bench", "Audio");
    let subscribers = (0..10)
        .map(|i| {
            let (handle, rx) = bus.subscriber(Caller::system(), format!("subscriber {i}"));
            handle
                .subscribe(&parse_text("Status Audio Volume").unwrap())
                .unwrap();
            (handle, rx)
        })
        .collect();
    (bus, writer, subscribers)
}

fn dispatch(c: &mut Criterion) {
    let mut group = c.benchmark_group("status change to 10 subscribers");
    group.throughput(Throughput::Elements(1));
    let (_bus, writer, mut subs) = setup();
    let mut level = 0;
    group.bench_function("dispatch", |b| {
        b.iter(|| {
            level = (level + 1) % 101;
            writer.set("Audio Volume", level).unwrap();
            for (_, rx) in subs.iter_mut() {
                rx.try_recv().unwrap();
            }
        })
    });
    group.bench_function("dispatch+render", |b| {
        b.iter(|| {
            level = (level + 1) % 101;
            writer.set("Audio Volume", level).unwrap();
            for (_, rx) in subs.iter_mut() {
                let n = rx.try_recv().unwrap();
                std::hint::black_box(n.render(Typing::Typed).to_string());
            }
        })
    });
    group.finish();
}

criterion_group!(benches, dispatch);
criterion_main!(benches);
