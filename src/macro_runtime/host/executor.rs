//! The job queue of a macro's JavaScript context: promise reactions and the host's own jobs,
//! run to completion after every event, never blocking (timers are the host's, not boa's).

use std::cell::RefCell;
use std::collections::VecDeque;
use std::future::Future;
use std::pin::pin;
use std::rc::Rc;
use std::task::{Context as TaskContext, Poll, Waker};

use boa_engine::job::{Job, JobExecutor};
use boa_engine::{Context, JsResult};

#[derive(Default)]
pub struct Jobs {
    queue: RefCell<VecDeque<Job>>,
}

/// Polls a future that needs nothing outside the context (module loading from memory).
pub fn run_now<F: Future>(future: F) -> Option<F::Output> {
    let mut future = pin!(future);
    let mut cx = TaskContext::from_waker(Waker::noop());
    // Our futures complete without waiting on I/O; a few polls settle nested ones.
    for _ in 0..1000 {
        if let Poll::Ready(out) = future.as_mut().poll(&mut cx) {
            return Some(out);
        }
    }
    None
}

impl JobExecutor for Jobs {
    fn enqueue_job(self: Rc<Self>, job: Job, _context: &mut Context) {
        self.queue.borrow_mut().push_back(job);
    }

    fn run_jobs(self: Rc<Self>, context: &mut Context) -> JsResult<()> {
        loop {
            let Some(job) = self.queue.borrow_mut().pop_front() else {
                return Ok(());
            };
            match job {
                Job::PromiseJob(job) => {
                    job.call(context)?;
                }
                Job::GenericJob(job) => {
                    job.call(context)?;
                }
                Job::AsyncJob(job) => {
                    let cell = RefCell::new(&mut *context);
                    if let Some(result) = run_now(job.call(&cell)) {
                        result?;
                    }
                }
                // Timers are kept by the host (setTimeout is ours); nothing else is expected.
                _ => {}
            }
        }
    }
}
