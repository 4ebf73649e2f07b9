import { Router } from 'express';
import { API, type RouteContext } from './context.js';

/** Where the full list of objects the model knows is served (named in the 422 `UNKNOWN_WORDS` message). */
export const VOCABULARY_PATH = `${API}/vocabulary`;

/**
 * `GET /api/v1/vocabulary`: what the model that reads prompts (the text → image model when there is
 * one, else the multi-view model) can read: every object it knows by name, in English and Chinese
 * with its family, and the colours. A prompt must name one of the objects; the list is the model's
 * own (its vocabulary against the corpus it was trained on).
 */
export function vocabularyRouter({ prompts }: RouteContext): Router {
  const router = Router();
  const body = {
    model: prompts.model,
    objects: prompts.vocabulary.objects.map(({ name, en, zh, group }) => ({ name, en, zh, group })),
    colors: prompts.vocabulary.colors.map(({ en, zh }) => ({ en, zh })),
  };
  // Open in private mode too, like the API's documentation: it says what the model is, not what anyone made.
  router.get(VOCABULARY_PATH, (_req, res) => {
    res.json(body);
  });
  return router;
}
